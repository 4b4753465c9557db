#include "officers/officer_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/csv.h"
#include "core/utf8.h"
#include "core/xlsx.h"
#include "org/org_service.h"

namespace zhifa::officers {

using core::Date;
using core::Err;
using core::Error;
using core::ErrorCode;
using core::Result;
using core::Status;
using nlohmann::json;
using store::Conn;
using store::Params;
using store::Row;

namespace {

constexpr const char* kColumns =
    "o.id, o.user_id, us.username, o.unit_id, un.name, o.name, o.cert_no, o.issuing_authority, "
    "o.valid_from, o.valid_to, o.domains, o.legal_qualification, o.legal_cert_no, o.status, "
    "o.first_review_on, o.version, o.created_at, o.created_seq, o.updated_seq";
constexpr const char* kFrom =
    " FROM officers o JOIN units un ON un.id = o.unit_id LEFT JOIN users us ON us.id = o.user_id";

Date Today(int64_t now_micros) { return core::DateFromUnixMicros(now_micros); }

record::Actor ActorFor(const org::Principal& p) {
  record::Actor a;
  if (p.user_id != 0) a.user_id = p.user_id;
  if (p.unit_id != 0) a.unit_id = p.unit_id;
  return a;
}

Error NotFound(std::string field = "id") {
  return Err(ErrorCode::kNotFound, "执法人员不存在或不在您的数据范围内",
             "no such officer within your data scope", std::move(field));
}

Error Stale() {
  return Err(ErrorCode::kConflict, "数据已被他人修改，请刷新后重试",
             "the record was changed by someone else; reload and try again", "version");
}

// A date column written by this service; a malformed value is a broken invariant.
Result<Date> StoredDate(const std::string& text, const char* column) {
  auto d = core::ParseDate(text);
  if (!d) {
    return Err(ErrorCode::kInternal, std::string("执法人员表的日期无效：") + column,
               std::string("officers table holds an invalid date in ") + column);
  }
  return *d;
}

Result<Officer> FromRow(const Row& r) {
  Officer o;
  o.id = r.Int(0);
  o.user_id = r.OptInt(1);
  o.username = r.Text(2);
  o.unit_id = r.Int(3);
  o.unit_name = r.Text(4);
  o.name = r.Text(5);
  o.cert_no = r.Text(6);
  o.issuing_authority = r.Text(7);
  auto from = StoredDate(r.Text(8), "valid_from");
  if (!from) return from.error();
  auto to = StoredDate(r.Text(9), "valid_to");
  if (!to) return to.error();
  o.valid_from = *from;
  o.valid_to = *to;
  o.domains = DomainsFromText(r.Text(10));
  o.legal_qualification = r.Int(11) != 0;
  o.legal_cert_no = r.Text(12);
  o.status = ParseOfficerStatus(r.Text(13)).value_or(OfficerStatus::kActive);
  if (auto f = r.OptText(14); f && !f->empty()) {
    auto d = StoredDate(*f, "first_review_on");
    if (!d) return d.error();
    o.first_review_on = *d;
  }
  o.version = r.Int(15);
  o.created_at = r.Text(16);
  o.created_seq = r.Int(17);
  o.updated_seq = r.Int(18);
  return o;
}

Result<std::vector<Officer>> QueryOfficers(Conn& c, const std::string& where,
                                           const Params& params) {
  auto r = c.Query(std::string("SELECT ") + kColumns + kFrom + where, params);
  if (!r) return r.error();
  std::vector<Officer> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) {
    auto o = FromRow(row);
    if (!o) return o.error();
    out.push_back(std::move(*o));
  }
  return out;
}

// The officer `id` if it lies within the scope (nullopt otherwise). `creator_col` is the
// column an "own" scope matches ("" for writes: they need the unit in scope).
Result<std::optional<Officer>> LoadScoped(Conn& c, const org::Principal& p, int64_t id,
                                          const std::string& creator_col) {
  Params params{id};
  std::string where =
      " WHERE o.id = $1 AND " + org::ScopePredicate(p.scope, "o.unit_id", creator_col, params);
  auto rows = QueryOfficers(c, where, params);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Officer>();
  return std::optional<Officer>(std::move(rows->front()));
}

// A unit that exists within the caller's scope (kNotFound naming `field` otherwise).
Status CheckUnitInScope(Conn& c, const org::Principal& p, int64_t unit_id, const char* field) {
  Params params{unit_id};
  std::string sql = "SELECT u.id FROM units u WHERE u.id = $1 AND " +
                    org::ScopePredicate(p.scope, "u.id", "", params);
  auto r = c.Query(sql, params);
  if (!r) return r.error();
  if (r->rows.empty()) {
    return Err(ErrorCode::kNotFound, "单位不存在或不在您的数据范围内",
               "no such unit within your data scope", field);
  }
  return core::Ok();
}

// A user account that exists within the caller's scope and has no officer record other than
// `except_officer`.
Status CheckUserLink(Conn& c, const org::Principal& p, int64_t user_id, int64_t except_officer) {
  Params params{user_id};
  std::string sql = "SELECT u.id FROM users u WHERE u.id = $1 AND " +
                    org::ScopePredicate(p.scope, "u.unit_id", "", params);
  auto r = c.Query(sql, params);
  if (!r) return r.error();
  if (r->rows.empty()) {
    return Err(ErrorCode::kNotFound, "用户不存在或不在您的数据范围内",
               "no such user within your data scope", "user_id");
  }
  auto other = c.Query("SELECT id, name FROM officers WHERE user_id = $1 AND id <> $2",
                       {user_id, except_officer});
  if (!other) return other.error();
  if (!other->rows.empty()) {
    return Err(ErrorCode::kConflict,
               "该用户已关联执法人员“" + other->rows[0].Text(1) + "”（编号 " +
                   other->rows[0].Text(0) + "）",
               "the user is already linked to officer " + other->rows[0].Text(0), "user_id");
  }
  return core::Ok();
}

Status CheckCertFree(Conn& c, const std::string& cert_no, int64_t except_officer) {
  auto r =
      c.Query("SELECT id FROM officers WHERE cert_no = $1 AND id <> $2", {cert_no, except_officer});
  if (!r) return r.error();
  if (!r->rows.empty()) {
    return Err(ErrorCode::kConflict, "执法证号 " + cert_no + " 已登记",
               "credential number " + cert_no + " is already registered", "cert_no");
  }
  return core::Ok();
}

json RecordJson(const Officer& o) {
  json j = {{"officer_id", o.id},
            {"unit_id", o.unit_id},
            {"name", o.name},
            {"cert_no", o.cert_no},
            {"issuing_authority", o.issuing_authority},
            {"valid_from", core::FormatDate(o.valid_from)},
            {"valid_to", core::FormatDate(o.valid_to)},
            {"domains", o.domains},
            {"legal_qualification", o.legal_qualification},
            {"status", OfficerStatusId(o.status)}};
  j["user_id"] = o.user_id ? json(*o.user_id) : json(nullptr);
  if (!o.legal_cert_no.empty()) j["legal_cert_no"] = o.legal_cert_no;
  return j;
}

std::string Target(int64_t id) { return "officer:" + std::to_string(id); }

// The person's data checked and normalised (shared by Create, Update and Import).
struct Checked {
  std::string name;
  std::vector<std::string> domains;
  std::string legal_cert_no;
};

Result<Checked> CheckPerson(std::string_view name, const std::vector<std::string>& domains,
                            bool legal_qualification, std::string_view legal_cert_no) {
  Checked out;
  auto n = NormaliseName(name);
  if (!n) return n.error();
  out.name = std::move(*n);
  auto d = NormaliseDomains(domains);
  if (!d) return d.error();
  out.domains = std::move(*d);
  ZHIFA_TRY(CheckLegalQualification(legal_qualification, legal_cert_no));
  if (legal_qualification) {
    auto l = NormaliseLegalCertNo(legal_cert_no);
    if (!l) return l.error();
    out.legal_cert_no = std::move(*l);
  }
  return out;
}

Status WriteOfficer(Conn& c, const Officer& o, int64_t seq, bool insert) {
  Params ps{o.id,
            o.user_id ? store::Value(*o.user_id) : store::Value(store::Null{}),
            o.unit_id,
            o.name,
            o.cert_no,
            o.issuing_authority,
            core::FormatDate(o.valid_from),
            core::FormatDate(o.valid_to),
            DomainsText(o.domains),
            int64_t{o.legal_qualification ? 1 : 0},
            o.legal_cert_no,
            std::string(OfficerStatusId(o.status)),
            o.version,
            seq};
  if (insert) {
    ps.emplace_back(o.created_at);
    auto r = c.Exec(
        "INSERT INTO officers (id, user_id, unit_id, name, cert_no, issuing_authority, "
        "valid_from, valid_to, domains, legal_qualification, legal_cert_no, status, version, "
        "created_seq, updated_seq, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12, $13, $14, $14, $15)",
        ps);
    if (!r) return r.error();
    return core::Ok();
  }
  auto r = c.Exec(
      "UPDATE officers SET user_id = $2, unit_id = $3, name = $4, cert_no = $5, "
      "issuing_authority = $6, valid_from = $7, valid_to = $8, domains = $9, "
      "legal_qualification = $10, legal_cert_no = $11, status = $12, version = $13, "
      "updated_seq = $14 WHERE id = $1",
      ps);
  if (!r) return r.error();
  return core::Ok();
}

// {field: {from, to}} for every field that differs between two RecordJson values.
json Changes(const json& before, const json& after) {
  json changes = json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    if (!before.contains(it.key()) || before[it.key()] != it.value()) {
      changes[it.key()] = {{"from", before.value(it.key(), json(nullptr))}, {"to", it.value()}};
    }
  }
  for (auto it = before.begin(); it != before.end(); ++it) {
    if (!after.contains(it.key())) changes[it.key()] = {{"from", it.value()}, {"to", nullptr}};
  }
  return changes;
}

// The units within the caller's scope, as the sheet names them.
Result<UnitNames> ScopedUnits(Conn& c, const org::Principal& p) {
  Params params;
  auto r = c.Query("SELECT u.id, u.parent_id, u.name FROM units u WHERE " +
                       org::ScopePredicate(p.scope, "u.id", "", params),
                   params);
  if (!r) return r.error();
  std::vector<UnitNames::Unit> units;
  for (const auto& row : r->rows) units.push_back({row.Int(0), row.OptInt(1), row.Text(2)});
  return UnitNames(std::move(units));
}

}  // namespace

// ---- Officer -------------------------------------------------------------------------------

OfficerOnDate Officer::OnDate(Date on, int expiring_days) const {
  OfficerOnDate o;
  o.id = id;
  o.user_id = user_id.value_or(0);
  o.unit_id = unit_id;
  o.name = name;
  o.cert_no = cert_no;
  o.valid_from = valid_from;
  o.valid_to = valid_to;
  o.domains = domains;
  o.status = status;
  o.legal_qualification = legal_qualification;
  o.first_review_on = first_review_on;
  Evaluate(o, on, expiring_days);
  return o;
}

json Officer::ToJson(Date on, int expiring_days) const {
  auto state = StateOn(status, valid_from, valid_to, on, expiring_days);
  json j = {{"id", id},
            {"username", username},
            {"unit_id", unit_id},
            {"unit_name", unit_name},
            {"name", name},
            {"cert_no", cert_no},
            {"issuing_authority", issuing_authority},
            {"valid_from", core::FormatDate(valid_from)},
            {"valid_to", core::FormatDate(valid_to)},
            {"domains", domains},
            {"legal_qualification", legal_qualification},
            {"legal_cert_no", legal_cert_no},
            {"status", OfficerStatusId(status)},
            {"state", CredentialStateId(state)},
            {"credential_valid",
             state == CredentialState::kValid || state == CredentialState::kExpiringSoon},
            {"expiring_soon", state == CredentialState::kExpiringSoon},
            {"days_left", core::DaysFromCivil(valid_to) - core::DaysFromCivil(on)},
            {"on", core::FormatDate(on)},
            {"version", version},
            {"created_at", created_at},
            {"created_seq", created_seq},
            {"updated_seq", updated_seq}};
  j["user_id"] = user_id ? json(*user_id) : json(nullptr);
  j["first_review_on"] = first_review_on ? json(core::FormatDate(*first_review_on)) : json(nullptr);
  return j;
}

// ---- For other areas -----------------------------------------------------------------------

Result<std::vector<OfficerOnDate>> OfficerService::OnDate(std::span<const int64_t> ids, Date on,
                                                          std::string_view field) const {
  std::vector<OfficerOnDate> out;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = OnDate(c, ids, on, field);
    if (!r) return r.error();
    out = std::move(*r);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<OfficerOnDate>> OfficerService::OnDate(Conn& c, std::span<const int64_t> ids,
                                                          Date on, std::string_view field) const {
  std::vector<OfficerOnDate> out;
  if (ids.empty()) return out;
  Params params;
  std::vector<int64_t> unique(ids.begin(), ids.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  std::string where = " WHERE o.id IN (" + store::Placeholders(params, unique) + ")";
  auto rows = QueryOfficers(c, where, params);
  if (!rows) return rows.error();
  std::map<int64_t, const Officer*> by_id;
  for (const auto& o : *rows) by_id[o.id] = &o;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto it = by_id.find(ids[i]);
    if (it == by_id.end()) {
      return Err(ErrorCode::kNotFound, "执法人员不存在：" + std::to_string(ids[i]),
                 "no such officer: " + std::to_string(ids[i]),
                 std::string(field) + "[" + std::to_string(i) + "]");
    }
    out.push_back(it->second->OnDate(on, options_.expiring_days));
  }
  return out;
}

Result<std::optional<OfficerOnDate>> OfficerService::ForUser(int64_t user_id, Date on) const {
  std::optional<OfficerOnDate> out;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = ForUser(c, user_id, on);
    if (!r) return r.error();
    out = std::move(*r);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<std::optional<OfficerOnDate>> OfficerService::ForUser(Conn& c, int64_t user_id,
                                                             Date on) const {
  auto rows = QueryOfficers(c, " WHERE o.user_id = $1", {user_id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<OfficerOnDate>();
  return std::optional<OfficerOnDate>(rows->front().OnDate(on, options_.expiring_days));
}

Status OfficerService::CheckReviewerQualified(Conn& c, int64_t user_id, Date on,
                                              std::string_view field) const {
  auto r = ForUser(c, user_id, on);
  if (!r) return r.error();
  return officers::CheckReviewerQualified(*r, on, field);
}

Status OfficerService::RecordReview(record::CommandTx& tx, int64_t user_id, Date on) const {
  auto rows = QueryOfficers(tx.conn(), " WHERE o.user_id = $1", {user_id});
  if (!rows) return rows.error();
  if (rows->empty()) {
    return Err(ErrorCode::kNotFound, "审核人员未在执法人员名册中登记",
               "the reviewer is not in the officer register", "reviewer");
  }
  const Officer& o = rows->front();
  if (o.first_review_on && *o.first_review_on <= on) return core::Ok();
  json payload = {{"officer_id", o.id},
                  {"user_id", user_id},
                  {"first_review_on", core::FormatDate(on)},
                  {"legal_qualification", o.legal_qualification}};
  if (o.first_review_on) payload["previous"] = core::FormatDate(*o.first_review_on);
  auto seq = tx.Emit({"officer.first_review_recorded", Target(o.id), payload, o.unit_id});
  if (!seq) return seq.error();
  auto up =
      tx.conn().Exec("UPDATE officers SET first_review_on = $1, updated_seq = $2 WHERE id = $3",
                     {core::FormatDate(on), *seq, o.id});
  if (!up) return up.error();
  return core::Ok();
}

Status OfficerService::RecordReview(const record::Actor& actor, int64_t user_id, Date on) const {
  return bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    ZHIFA_TRY(RecordReview(tx, user_id, on));
    if (tx.emitted() == 0) tx.NoChange();
    return core::Ok();
  });
}

// ---- Register ------------------------------------------------------------------------------

Result<json> OfficerService::List(const org::Principal& p, const OfficerQuery& q) const {
  Date on = q.on.value_or(Today(core::NowMicros()));
  json out;
  auto st = db_.Read([&](Conn& c) -> Status {
    Params params;
    std::string where = " WHERE " + org::ScopePredicate(p.scope, "o.unit_id", "o.user_id", params);
    if (q.unit_id) {
      params.emplace_back(*q.unit_id);
      where += " AND o.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $" +
               std::to_string(params.size()) + ")";
    }
    if (q.status) {
      params.emplace_back(std::string(OfficerStatusId(*q.status)));
      where += " AND o.status = $" + std::to_string(params.size());
    }
    if (!q.state.empty()) {
      // Every bound parameter must be used: PostgreSQL infers each one's type from its use.
      const std::string active = " AND o.status = 'active'";
      auto bind = [&](std::string v) {
        params.emplace_back(std::move(v));
        return "$" + std::to_string(params.size());
      };
      if (q.state == "valid") {
        std::string d = bind(core::FormatDate(on));
        where += active + " AND o.valid_from <= " + d + " AND o.valid_to >= " + d;
      } else if (q.state == "expiring") {
        std::string d = bind(core::FormatDate(on));
        std::string limit = bind(core::FormatDate(
            core::CivilFromDays(core::DaysFromCivil(on) + options_.expiring_days)));
        where += active + " AND o.valid_from <= " + d + " AND o.valid_to >= " + d +
                 " AND o.valid_to <= " + limit;
      } else if (q.state == "expired") {
        where += active + " AND o.valid_to < " + bind(core::FormatDate(on));
      } else if (q.state == "not_yet_valid") {
        where += active + " AND o.valid_from > " + bind(core::FormatDate(on));
      } else if (q.state == "inactive") {
        where += " AND o.status <> 'active'";
      } else {
        return Err(ErrorCode::kInvalidArgument,
                   "state 应为 valid、expiring、expired、not_yet_valid、inactive 之一",
                   "state must be one of valid, expiring, expired, not_yet_valid, inactive",
                   "state");
      }
    }
    if (!q.domain.empty()) {
      params.emplace_back("%," + q.domain + ",%");
      where += " AND o.domains LIKE $" + std::to_string(params.size());
    }
    store::AndContains(where, params, q.q, {"o.name", "o.cert_no"});
    auto count = c.Query(std::string("SELECT COUNT(*)") + kFrom + where, params);
    if (!count) return count.error();
    std::string tail = where + " ORDER BY o.unit_id, o.name, o.id";
    store::AddPage(tail, params, q.page, q.page_size);
    auto rows = QueryOfficers(c, tail, params);
    if (!rows) return rows.error();
    json items = json::array();
    for (const auto& o : *rows) items.push_back(o.ToJson(on, options_.expiring_days));
    out = org::PageJson(std::move(items), count->rows.at(0).Int(0), q.page, q.page_size);
    out["on"] = core::FormatDate(on);
    out["expiring_days"] = options_.expiring_days;
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> OfficerService::Get(const org::Principal& p, int64_t id,
                                 std::optional<Date> on) const {
  std::optional<Officer> found;
  bool can_edit = false;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto o = LoadScoped(c, p, id, "o.user_id");
    if (!o) return o.error();
    found = std::move(*o);
    if (found && p.Has(org::Permission::kOfficersWrite)) {
      can_edit = CheckUnitInScope(c, p, found->unit_id, "unit_id").ok();
    }
    return core::Ok();
  });
  if (!st) return st.error();
  if (!found) return NotFound();
  json j = found->ToJson(on.value_or(Today(core::NowMicros())), options_.expiring_days);
  j["can_edit"] = can_edit;
  return j;
}

Result<json> OfficerService::Create(const org::Principal& p, const NewOfficer& n) const {
  auto person = CheckPerson(n.name, n.domains, n.legal_qualification, n.legal_cert_no);
  if (!person) return person.error();
  auto cert = NormaliseCertNo(n.cert_no);
  if (!cert) return cert.error();
  auto authority = NormaliseIssuingAuthority(n.issuing_authority);
  if (!authority) return authority.error();
  ZHIFA_TRY(CheckValidityPeriod(n.valid_from, n.valid_to));
  Officer o;
  o.user_id = n.user_id;
  o.unit_id = n.unit_id;
  o.name = person->name;
  o.domains = person->domains;
  o.legal_qualification = n.legal_qualification;
  o.legal_cert_no = person->legal_cert_no;
  o.cert_no = *cert;
  o.issuing_authority = *authority;
  o.valid_from = n.valid_from;
  o.valid_to = n.valid_to;
  o.status = OfficerStatus::kActive;
  o.version = 1;
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    ZHIFA_TRY(CheckUnitInScope(c, p, o.unit_id, "unit_id"));
    if (o.user_id) ZHIFA_TRY(CheckUserLink(c, p, *o.user_id, 0));
    ZHIFA_TRY(CheckCertFree(c, o.cert_no, 0));
    auto id = tx.NewId();
    if (!id) return id.error();
    o.id = *id;
    o.created_at = core::FormatRfc3339Micros(tx.now());
    auto seq = tx.Emit({"officer.created", Target(o.id), RecordJson(o), o.unit_id});
    if (!seq) return seq.error();
    o.created_seq = o.updated_seq = *seq;
    return WriteOfficer(c, o, *seq, true);
  });
  if (!st) return st.error();
  return Get(p, o.id);
}

Result<json> OfficerService::Update(const org::Principal& p, int64_t id,
                                    const OfficerPatch& patch) const {
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto cur = LoadScoped(c, p, id, "");
    if (!cur) return cur.error();
    if (!*cur) return NotFound();
    Officer o = **cur;
    if (o.version != patch.version) return Stale();
    if (patch.user_id) o.user_id = *patch.user_id;
    if (patch.unit_id) o.unit_id = *patch.unit_id;
    if (patch.name) o.name = *patch.name;
    if (patch.domains) o.domains = *patch.domains;
    if (patch.legal_qualification) {
      o.legal_qualification = *patch.legal_qualification;
      if (!o.legal_qualification && !patch.legal_cert_no) o.legal_cert_no.clear();
    }
    if (patch.legal_cert_no) o.legal_cert_no = *patch.legal_cert_no;
    auto person = CheckPerson(o.name, o.domains, o.legal_qualification, o.legal_cert_no);
    if (!person) return person.error();
    o.name = person->name;
    o.domains = person->domains;
    o.legal_cert_no = person->legal_cert_no;
    if (o.unit_id != (*cur)->unit_id) ZHIFA_TRY(CheckUnitInScope(c, p, o.unit_id, "unit_id"));
    if (o.user_id && o.user_id != (*cur)->user_id) ZHIFA_TRY(CheckUserLink(c, p, *o.user_id, id));
    json before = RecordJson(**cur), after = RecordJson(o);
    if (before == after) {
      tx.NoChange();
      return core::Ok();
    }
    json changes = Changes(before, after);
    o.version += 1;
    auto seq = tx.Emit({"officer.updated",
                        Target(o.id),
                        {{"officer_id", o.id}, {"version", o.version}, {"changes", changes}},
                        o.unit_id});
    if (!seq) return seq.error();
    return WriteOfficer(c, o, *seq, false);
  });
  if (!st) return st.error();
  return Get(p, id);
}

Result<json> OfficerService::ChangeStatus(const org::Principal& p, int64_t id, OfficerStatus status,
                                          std::string_view reason, int64_t expected_version) const {
  std::string why(reason);
  {
    auto b = why.find_first_not_of(" \t\r\n");
    auto e = why.find_last_not_of(" \t\r\n");
    why = b == std::string::npos ? std::string() : why.substr(b, e - b + 1);
  }
  if (why.empty() || !core::IsValidUtf8(why) || core::Utf8Length(why) > 500) {
    return Err(ErrorCode::kInvalidArgument, "请填写变更原因（1–500 个字符）",
               "a reason of 1–500 characters is required", "reason");
  }
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto cur = LoadScoped(c, p, id, "");
    if (!cur) return cur.error();
    if (!*cur) return NotFound();
    Officer o = **cur;
    if (o.version != expected_version) return Stale();
    ZHIFA_TRY(CheckStatusChange(o.status, status));
    OfficerStatus from = o.status;
    o.status = status;
    o.version += 1;
    auto seq = tx.Emit({"officer.status_changed",
                        Target(o.id),
                        {{"officer_id", o.id},
                         {"from", OfficerStatusId(from)},
                         {"to", OfficerStatusId(status)},
                         {"reason", why},
                         {"version", o.version}},
                        o.unit_id});
    if (!seq) return seq.error();
    return WriteOfficer(c, o, *seq, false);
  });
  if (!st) return st.error();
  return Get(p, id);
}

Result<json> OfficerService::Renew(const org::Principal& p, int64_t id, const Renewal& r) const {
  std::optional<std::string> cert, authority;
  if (r.cert_no) {
    auto n = NormaliseCertNo(*r.cert_no);
    if (!n) return n.error();
    cert = *n;
  }
  if (r.issuing_authority) {
    auto a = NormaliseIssuingAuthority(*r.issuing_authority);
    if (!a) return a.error();
    authority = *a;
  }
  ZHIFA_TRY(CheckValidityPeriod(r.valid_from, r.valid_to));
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto cur = LoadScoped(c, p, id, "");
    if (!cur) return cur.error();
    if (!*cur) return NotFound();
    Officer o = **cur;
    if (o.version != r.version) return Stale();
    if (o.status == OfficerStatus::kRevoked || o.status == OfficerStatus::kRetired) {
      return Err(ErrorCode::kConflict,
                 std::string("「") + OfficerStatusZh(o.status) + "」的执法人员不能换发执法证",
                 std::string("the credential of a ") + OfficerStatusId(o.status) +
                     " officer cannot be renewed",
                 "status");
    }
    if (cert) o.cert_no = *cert;
    if (authority) o.issuing_authority = *authority;
    o.valid_from = r.valid_from;
    o.valid_to = r.valid_to;
    if (o.cert_no == (*cur)->cert_no && o.issuing_authority == (*cur)->issuing_authority &&
        o.valid_from == (*cur)->valid_from && o.valid_to == (*cur)->valid_to) {
      tx.NoChange();
      return core::Ok();
    }
    if (o.cert_no != (*cur)->cert_no) ZHIFA_TRY(CheckCertFree(c, o.cert_no, o.id));
    o.version += 1;
    json payload = {{"officer_id", o.id},
                    {"version", o.version},
                    {"from",
                     {{"cert_no", (*cur)->cert_no},
                      {"issuing_authority", (*cur)->issuing_authority},
                      {"valid_from", core::FormatDate((*cur)->valid_from)},
                      {"valid_to", core::FormatDate((*cur)->valid_to)}}},
                    {"to",
                     {{"cert_no", o.cert_no},
                      {"issuing_authority", o.issuing_authority},
                      {"valid_from", core::FormatDate(o.valid_from)},
                      {"valid_to", core::FormatDate(o.valid_to)}}}};
    auto seq = tx.Emit({"officer.credential_renewed", Target(o.id), payload, o.unit_id});
    if (!seq) return seq.error();
    return WriteOfficer(c, o, *seq, false);
  });
  if (!st) return st.error();
  return Get(p, id);
}

Result<json> OfficerService::ReviewerRatios(const org::Principal& p, std::optional<int64_t> unit_id,
                                            std::optional<Date> on_opt) const {
  Date on = on_opt.value_or(Today(core::NowMicros()));
  json items = json::array();
  auto st = db_.Read([&](Conn& c) -> Status {
    if (unit_id) ZHIFA_TRY(CheckUnitInScope(c, p, *unit_id, "unit_id"));
    Params params;
    std::string where = " WHERE d.kind IN ('department', 'vertical') AND " +
                        org::ScopePredicate(p.scope, "d.id", "", params);
    if (unit_id) {
      params.emplace_back(*unit_id);
      where += " AND d.id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $" +
               std::to_string(params.size()) + ")";
    }
    auto depts =
        c.Query("SELECT d.id, d.name, d.kind FROM units d" + where + " ORDER BY d.id", params);
    if (!depts) return depts.error();
    if (depts->rows.empty()) return core::Ok();
    std::vector<int64_t> ids;
    for (const auto& r : depts->rows) ids.push_back(r.Int(0));
    // Officers with a valid credential on `on`, by department (its whole subtree).
    Params op{core::FormatDate(on)};
    std::string in = store::Placeholders(op, ids);
    auto officers = c.Query(
        "SELECT uc.ancestor_id, COUNT(*) FROM officers o JOIN unit_closure uc ON "
        "uc.descendant_id = o.unit_id WHERE uc.ancestor_id IN (" +
            in +
            ") AND o.status = "
            "'active' AND o.valid_from <= $1 AND o.valid_to >= $1 GROUP BY uc.ancestor_id",
        op);
    if (!officers) return officers.error();
    // Legal reviewers: distinct accounts (not disabled) holding the legal_reviewer role at a unit
    // of the department's subtree.
    Params rp;
    std::string rin = store::Placeholders(rp, ids);
    auto reviewers = c.Query(
        "SELECT uc.ancestor_id, COUNT(DISTINCT ra.user_id) FROM role_assignments ra JOIN users u "
        "ON u.id = ra.user_id JOIN unit_closure uc ON uc.descendant_id = ra.unit_id WHERE "
        "uc.ancestor_id IN (" +
            rin +
            ") AND ra.role = 'legal_reviewer' AND u.status <> "
            "'disabled' GROUP BY uc.ancestor_id",
        rp);
    if (!reviewers) return reviewers.error();
    std::map<int64_t, int64_t> n_off, n_rev;
    for (const auto& r : officers->rows) n_off[r.Int(0)] = r.Int(1);
    for (const auto& r : reviewers->rows) n_rev[r.Int(0)] = r.Int(1);
    for (const auto& d : depts->rows) {
      int64_t id = d.Int(0);
      int64_t o = n_off.count(id) ? n_off[id] : 0;
      int64_t rv = n_rev.count(id) ? n_rev[id] : 0;
      if (o == 0 && rv == 0) continue;
      auto ratio = ComputeReviewerRatio(rv, o, options_.reviewer_ratio_permille);
      json j = {{"unit_id", id},
                {"unit_name", d.Text(1)},
                {"kind", d.Text(2)},
                {"reviewers", ratio.reviewers},
                {"officers", ratio.officers},
                {"required", ratio.required},
                {"meets", ratio.meets}};
      j["percent"] = ratio.percent ? json(*ratio.percent) : json(nullptr);
      items.push_back(std::move(j));
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return json{
      {"on", core::FormatDate(on)},
      {"threshold_permille", options_.reviewer_ratio_permille},
      {"basis", "行动方案督查清单第34项：原则上负责法制审核的人员不少于本单位执法人员总数的5%"},
      {"basis_en",
       "action plan checklist item 34: legal reviewers, in principle, at least 5 % of the "
       "unit's enforcement officers"},
      {"items", std::move(items)}};
}

json OfficerImportReport::ToJson() const {
  return {{"ok", ok},
          {"created", created},
          {"updated", updated},
          {"unchanged", unchanged},
          {"problems", catalogue::ProblemsJson(problems)}};
}

Result<OfficerImportReport> OfficerService::Import(const org::Principal& p, std::string_view bytes,
                                                   const OfficerImportOptions& o) const {
  catalogue::Table table;
  table.name = kOfficerSheet;
  if (o.format == catalogue::FileFormat::kXlsx) {
    auto book = core::ReadXlsx(bytes);
    if (!book) return book.error();
    if (book->empty()) {
      return Err(ErrorCode::kInvalidArgument, "工作簿中没有工作表", "the workbook has no sheet",
                 "file");
    }
    const core::XlsxSheet* sheet = &book->front();
    for (const auto& s : *book) {
      if (s.name == kOfficerSheet) sheet = &s;
    }
    table.rows = sheet->TextRows();
  } else {
    auto rows = core::ReadCsv(bytes);
    if (!rows) return rows.error();
    table.rows = std::move(*rows);
  }
  return ImportTable(p, table, o.dry_run);
}

Result<OfficerImportReport> OfficerService::ImportTable(const org::Principal& p,
                                                        const catalogue::Table& table,
                                                        bool dry_run) const {
  OfficerImportReport report;
  OfficerSheet sheet = ReadOfficerSheet(table);
  report.problems = sheet.problems;
  if (!report.problems.empty()) return report;
  const std::string name = kOfficerSheet;
  auto body = [&](Conn& c, record::CommandTx* tx) -> Status {
    report.created = report.updated = report.unchanged = 0;
    report.problems.clear();
    auto units = ScopedUnits(c, p);
    if (!units) return units.error();
    struct Plan {
      Officer next;
      std::optional<Officer> prev;
    };
    std::vector<Plan> plan;
    for (const auto& row : sheet.rows) {
      auto problem = [&](const char* column, std::string zh, std::string en) {
        report.problems.push_back({name, row.row, column, std::move(zh), std::move(en)});
      };
      Plan pl;
      auto unit = units->Resolve(row.unit);
      if (!unit) {
        problem("所属单位", unit.error().message_zh, unit.error().message_en);
        continue;
      }
      std::optional<int64_t> user_id;
      if (!row.username.empty()) {
        Params up{row.username};
        auto u = c.Query("SELECT u.id FROM users u WHERE u.username = $1 AND " +
                             org::ScopePredicate(p.scope, "u.unit_id", "", up),
                         up);
        if (!u) return u.error();
        if (u->rows.empty()) {
          problem("用户名", "用户“" + row.username + "”不存在或不在您的数据范围内",
                  "user \"" + row.username + "\" does not exist or is outside your data scope");
          continue;
        }
        user_id = u->rows[0].Int(0);
      }
      auto existing = QueryOfficers(c, " WHERE o.cert_no = $1", {row.cert_no});
      if (!existing) return existing.error();
      if (!existing->empty()) {
        pl.prev = existing->front();
        if (units->Label(pl.prev->unit_id).empty()) {
          problem("执法证号", "执法证号 " + row.cert_no + " 已由您数据范围以外的单位登记",
                  "credential number " + row.cert_no +
                      " is registered by a unit outside your data scope");
          continue;
        }
      }
      if (user_id) {
        auto other = c.Query("SELECT cert_no FROM officers WHERE user_id = $1 AND cert_no <> $2",
                             {*user_id, row.cert_no});
        if (!other) return other.error();
        if (!other->rows.empty()) {
          problem("用户名", "用户“" + row.username + "”已关联执法证号 " + other->rows[0].Text(0),
                  "user \"" + row.username + "\" is already linked to credential " +
                      other->rows[0].Text(0));
          continue;
        }
      }
      Officer& n = pl.next;
      if (pl.prev) n = *pl.prev;
      n.user_id = user_id;
      n.unit_id = *unit;
      n.name = row.name;
      n.cert_no = row.cert_no;
      n.issuing_authority = row.issuing_authority;
      n.valid_from = row.valid_from;
      n.valid_to = row.valid_to;
      n.domains = row.domains;
      n.legal_qualification = row.legal_qualification;
      n.legal_cert_no = row.legal_cert_no;
      n.status = row.status;
      if (pl.prev) {
        if (RecordJson(*pl.prev) == RecordJson(n)) {
          ++report.unchanged;
          continue;
        }
        if (pl.prev->status != n.status) {
          if (auto st = CheckStatusChange(pl.prev->status, n.status); !st) {
            problem("状态", st.error().message_zh, st.error().message_en);
            continue;
          }
        } else if (n.status == OfficerStatus::kRevoked || n.status == OfficerStatus::kRetired) {
          problem("状态", std::string("「") + OfficerStatusZh(n.status) + "」的执法人员不能再修改",
                  std::string("a ") + OfficerStatusId(n.status) + " officer cannot be changed");
          continue;
        }
      }
      plan.push_back(std::move(pl));
    }
    if (!report.problems.empty()) {
      return Err(ErrorCode::kInvalidArgument, "导入文件有问题，未导入任何数据",
                 "the file has problems; nothing was imported", "file");
    }
    report.ok = true;
    for (const auto& pl : plan) (pl.prev ? report.updated : report.created)++;
    if (!tx) return core::Ok();  // dry run
    if (plan.empty()) {
      tx->NoChange();
      return core::Ok();
    }
    for (auto& pl : plan) {
      Officer& n = pl.next;
      if (!pl.prev) {
        auto id = tx->NewId();
        if (!id) return id.error();
        n.id = *id;
        n.version = 1;
        n.created_at = core::FormatRfc3339Micros(tx->now());
        json payload = RecordJson(n);
        payload["source"] = "import";
        auto seq = tx->Emit({"officer.created", Target(n.id), payload, n.unit_id});
        if (!seq) return seq.error();
        ZHIFA_TRY(WriteOfficer(c, n, *seq, true));
      } else {
        n.version = pl.prev->version + 1;
        auto seq = tx->Emit({"officer.updated",
                             Target(n.id),
                             {{"officer_id", n.id},
                              {"version", n.version},
                              {"changes", Changes(RecordJson(*pl.prev), RecordJson(n))},
                              {"source", "import"}},
                             n.unit_id});
        if (!seq) return seq.error();
        ZHIFA_TRY(WriteOfficer(c, n, *seq, false));
      }
    }
    auto seq = tx->Emit({"officer.imported",
                         "officers:import",
                         {{"created", report.created},
                          {"updated", report.updated},
                          {"unchanged", report.unchanged}},
                         p.unit_id ? std::optional(p.unit_id) : std::nullopt});
    if (!seq) return seq.error();
    return core::Ok();
  };
  Status st =
      dry_run ? db_.Read([&](Conn& c) { return body(c, nullptr); })
              : bus_.Run(ActorFor(p), [&](record::CommandTx& tx) { return body(tx.conn(), &tx); });
  if (!st) {
    if (!report.problems.empty()) {
      report.ok = false;
      report.created = report.updated = report.unchanged = 0;
      return report;
    }
    return st.error();
  }
  return report;
}

Result<catalogue::ExportFile> OfficerService::Export(const org::Principal& p,
                                                     catalogue::FileFormat format,
                                                     std::optional<int64_t> unit_id) const {
  std::vector<OfficerRow> rows;
  std::string unit_label;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto units = ScopedUnits(c, p);
    if (!units) return units.error();
    Params params;
    std::string where = " WHERE " + org::ScopePredicate(p.scope, "o.unit_id", "o.user_id", params);
    if (unit_id) {
      unit_label = units->Label(*unit_id);
      if (unit_label.empty()) {
        return Err(ErrorCode::kNotFound, "单位不存在或不在您的数据范围内",
                   "no such unit within your data scope", "unit_id");
      }
      params.emplace_back(*unit_id);
      where += " AND o.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $" +
               std::to_string(params.size()) + ")";
    }
    auto all = QueryOfficers(c, where + " ORDER BY o.unit_id, o.name, o.id", params);
    if (!all) return all.error();
    for (const auto& o : *all) {
      std::string label = units->Label(o.unit_id);
      rows.push_back({0, o.cert_no, o.name, label.empty() ? o.unit_name : label,
                      o.issuing_authority, o.valid_from, o.valid_to, o.domains,
                      o.legal_qualification, o.legal_cert_no, o.status, o.username});
    }
    return core::Ok();
  });
  if (!st) return st.error();
  catalogue::Table t = WriteOfficerSheet(rows);
  catalogue::ExportFile f;
  std::string base = "执法人员名册_" + core::FormatDate(Today(core::NowMicros()));
  if (format == catalogue::FileFormat::kXlsx) {
    auto bytes = core::WriteXlsx({core::TextSheet(t.name, t.rows)});
    if (!bytes) return bytes.error();
    f.bytes = std::move(*bytes);
    f.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    f.filename = base + ".xlsx";
  } else {
    f.bytes = core::WriteCsv(t.rows);
    f.content_type = "text/csv; charset=utf-8";
    f.filename = base + ".csv";
  }
  return f;
}

Result<bool> OfficerService::Empty() const {
  bool empty = true;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query("SELECT id FROM officers LIMIT 1");
    if (!r) return r.error();
    empty = r->rows.empty();
    return core::Ok();
  });
  if (!st) return st.error();
  return empty;
}

}  // namespace zhifa::officers
