#include "cases/case_service.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include "cases/case_rows.h"
#include "cases/case_search.h"
#include "core/codes.h"
#include "core/utf8.h"
#include "discretion/discretion_rules.h"

namespace zhifa::cases {

using core::Date;
using core::Err;
using core::Error;
using core::ErrorCode;
using core::Result;
using core::Status;
using nlohmann::json;
using store::Conn;
using store::Params;

namespace {

// ---- strict step bodies ---------------------------------------------------------------------

// Reads the members of a JSON object with the errors the HTTP layer gives (field named).
class In {
 public:
  explicit In(const json& j, std::string prefix = "") : j_(j), prefix_(std::move(prefix)) {}

  Status Only(std::initializer_list<const char*> names) const {
    if (!j_.is_object()) {
      return Err(ErrorCode::kWrongType, "请求体应为 JSON 对象", "the body must be a JSON object",
                 prefix_.empty() ? "" : prefix_.substr(0, prefix_.size() - 1));
    }
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool known = false;
      for (const char* n : names) known = known || it.key() == n;
      if (!known) {
        return Err(ErrorCode::kUnknownField, "未知字段 " + prefix_ + it.key(),
                   "unknown field " + prefix_ + it.key(), prefix_ + it.key());
      }
    }
    return core::Ok();
  }
  bool Has(const char* n) const { return j_.contains(n) && !j_[n].is_null(); }
  const json& Raw(const char* n) const {
    static const json kNull;
    return Has(n) ? j_[n] : kNull;
  }
  Result<std::string> Str(const char* n, bool required, size_t max_chars = 2000) const {
    if (!Has(n)) {
      if (required) return Missing(n);
      return std::string();
    }
    if (!j_[n].is_string()) return Wrong(n, "字符串", "a string");
    std::string v = j_[n].get<std::string>();
    if (core::Utf8Length(v) > max_chars) {
      return Err(ErrorCode::kInvalidArgument,
                 F(n) + " 过长（最多 " + std::to_string(max_chars) + " 个字符）",
                 F(n) + " is too long (at most " + std::to_string(max_chars) + " characters)",
                 F(n));
    }
    if (required && v.find_first_not_of(" \t\r\n") == std::string::npos) return Missing(n);
    return v;
  }
  Result<Date> Day(const char* n) const {
    auto s = Str(n, true, 10);
    if (!s) return s.error();
    return core::ParseDate(*s, F(n));
  }
  Result<std::optional<Date>> OptDay(const char* n) const {
    if (!Has(n)) return std::optional<Date>();
    auto d = Day(n);
    if (!d) return d.error();
    return std::optional<Date>(*d);
  }
  Result<bool> Bool(const char* n, bool required, bool def = false) const {
    if (!Has(n)) {
      if (required) return Missing(n);
      return def;
    }
    if (!j_[n].is_boolean()) return Wrong(n, "布尔值", "a boolean");
    return j_[n].get<bool>();
  }
  Result<int64_t> Int(const char* n, bool required, int64_t def = 0) const {
    if (!Has(n)) {
      if (required) return Missing(n);
      return def;
    }
    if (!j_[n].is_number_integer()) return Wrong(n, "整数", "an integer");
    return j_[n].get<int64_t>();
  }
  Result<std::vector<int64_t>> Ids(const char* n, bool required) const {
    std::vector<int64_t> out;
    if (!Has(n)) {
      if (required) return Missing(n);
      return out;
    }
    if (!j_[n].is_array()) return Wrong(n, "整数数组", "an array of integers");
    for (size_t i = 0; i < j_[n].size(); ++i) {
      const auto& v = j_[n][i];
      if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
        const std::string f = F(n) + "[" + std::to_string(i) + "]";
        return Err(ErrorCode::kWrongType, f + " 应为正整数", f + " must be a positive integer", f);
      }
      if (std::find(out.begin(), out.end(), v.get<int64_t>()) == out.end()) {
        out.push_back(v.get<int64_t>());
      }
    }
    if (out.size() > 100) {
      return Err(ErrorCode::kInvalidArgument, F(n) + " 最多 100 项",
                 F(n) + " has at most 100 items", F(n));
    }
    return out;
  }
  template <typename E>
  Result<E> Enum(const char* n, std::optional<E> (*parse)(std::string_view),
                 const char* allowed) const {
    auto s = Str(n, true, 40);
    if (!s) return s.error();
    auto v = parse(*s);
    if (!v) {
      return Err(ErrorCode::kInvalidArgument, F(n) + " 应为 " + allowed,
                 F(n) + " must be one of " + allowed, F(n));
    }
    return *v;
  }
  std::string F(const char* n) const { return prefix_ + n; }

 private:
  Error Missing(const char* n) const {
    return Err(ErrorCode::kInvalidArgument, "缺少必填字段 " + F(n), F(n) + " is required", F(n));
  }
  Error Wrong(const char* n, const char* zh, const char* en) const {
    return Err(ErrorCode::kWrongType, F(n) + " 应为" + zh, F(n) + " must be " + en, F(n));
  }
  const json& j_;
  std::string prefix_;
};

// Declares `var` from a Result, returning its error. (`var` is a declarator: no parentheses.)
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ZHIFA_ASSIGN(var, expr)           \
  auto var##_r_ = (expr);                 \
  if (!var##_r_) return var##_r_.error(); \
  auto var = std::move(*var##_r_)
// NOLINTEND(bugprone-macro-parentheses)

Error NotFound(const char* field = "id") {
  return Err(ErrorCode::kNotFound, "案件不存在", "case not found", field);
}

std::string DateText(const std::optional<Date>& d) { return d ? core::FormatDate(*d) : ""; }

org::Permission PermissionOf(StepAuthority a) {
  switch (a) {
    case StepAuthority::kWrite:
      return org::Permission::kCasesWrite;
    case StepAuthority::kApprove:
      return org::Permission::kCasesApprove;
    case StepAuthority::kReview:
      return org::Permission::kCasesReview;
  }
  return org::Permission::kCasesWrite;
}

bool SeesIdNumbers(const org::Principal& p) {
  return p.Has(org::Permission::kCasesWrite) || p.Has(org::Permission::kCasesApprove);
}

record::Actor ActorOf(const org::Principal& p) { return calendar::ActorOf(p); }

std::optional<int64_t> UserOf(const org::Principal& p) {
  return p.user_id ? std::optional<int64_t>(p.user_id) : std::nullopt;
}

json FactsWithCase(const json& facts, const CaseSnapshot& s) {
  json f = facts.is_object() ? facts : json::object();
  f["act_date"] = core::FormatDate(s.act_date);
  if (s.act_end_date) f["act_end_date"] = core::FormatDate(*s.act_end_date);
  if (!f.contains("discovered_date")) f["discovered_date"] = core::FormatDate(s.discovered_date);
  if (s.safety_harm && !f.contains("safety_or_finance")) f["safety_or_finance"] = true;
  return f;
}

struct EvidenceCount {
  int total = 0;
  int audio_video = 0;
};

// A proposal the discretion engine judges (conclude, amend, decide); run after the step's read
// snapshot, since the engine reads on its own.
struct DiscretionAsk {
  json facts;
  Outcome outcome = Outcome::kPenalty;
  Penalty penalty;
  std::string reason;
};

// What a parsed step does: the rule it applies to the case, the step row's data and what it
// attaches, computed before the command.
struct Plan {
  StepKind kind = StepKind::kFile;
  Date date;
  std::function<Status(CaseSnapshot&, const StepContext&, const EvidenceCount&)> apply;
  json data = json::object();
  std::vector<int64_t> evidence_ids;
  EvidenceCount evidence_count;
  json evidence = json::array();  // {id, hash, content_type} per attached item, for the entry
  std::optional<json> facts;
  std::optional<json> discretion;
  std::optional<DiscretionAsk> ask;
  DiscretionVerdict verdict;  // the engine's answer to `ask` (read by `apply`)
  int64_t record_review_user = 0;
};

// The evidence a step attaches: each item must be evidence uploaded for this case (target
// "case:<id>"); counts the items and the audio-video among them (the compulsion gate) and lists
// them for the record entry. Evidence rows are only ever inserted (record/evidence_service.h:
// no update, no delete), so the check made in the step's read snapshot holds at its commit.
Status CheckEvidence(Conn& c, int64_t case_id, Plan& plan) {
  if (plan.evidence_ids.empty()) return core::Ok();
  Params params;
  std::string ph = store::Placeholders(params, plan.evidence_ids);
  auto r = c.Query(
      "SELECT id, hash, content_type, target_kind, target, file_name FROM evidence WHERE id IN (" +
          ph + ")",
      params);
  if (!r) return r.error();
  std::map<int64_t, const store::Row*> by_id;
  for (const auto& x : r->rows) by_id[x.Int(0)] = &x;
  const std::string target = CaseTarget(case_id);
  for (size_t i = 0; i < plan.evidence_ids.size(); ++i) {
    auto it = by_id.find(plan.evidence_ids[i]);
    if (it == by_id.end() || it->second->Text(3) != "record" || it->second->Text(4) != target) {
      return Err(ErrorCode::kInvalidArgument,
                 "证据 " + std::to_string(plan.evidence_ids[i]) +
                     " 不是本案的证据材料（上传时 target 应为 " + target + "）",
                 "evidence " + std::to_string(plan.evidence_ids[i]) +
                     " is not evidence of this case (upload it with target " + target + ")",
                 "evidence_ids[" + std::to_string(i) + "]");
    }
    const std::string type = it->second->Text(2);
    ++plan.evidence_count.total;
    if (type.rfind("video/", 0) == 0 || type.rfind("audio/", 0) == 0) {
      ++plan.evidence_count.audio_video;
    }
    plan.evidence.push_back(
        {{"id", plan.evidence_ids[i]}, {"hash", it->second->Text(1)}, {"content_type", type}});
  }
  return core::Ok();
}

constexpr const char* kCaseColumns =
    "c.id, c.case_no, c.procedure_kind, c.state, c.unit_id, u.name, c.matter_code, "
    "c.matter_name, c.domain, c.source, c.source_ref, c.title, c.place, c.party_kind, "
    "c.party_name, c.party_code, c.party_id_cipher, c.party_id_masked, c.party_subject, "
    "c.party_address, c.party_representative, c.snapshot, c.facts, c.discretion, c.created_by, "
    "c.created_at, c.updated_at, c.version, c.form_no, c.created_seq, c.updated_seq";
constexpr size_t kCaseDerivedAt = 31;  // kDerivedColumns follow kCaseColumns in Load

// The data scope of cases: the case's unit (org::ScopePredicate); an "own" scope reaches the
// cases the caller created or works on as an officer (officers.user_id). The own cases are one
// set — `c.id IN (created ∪ handled)`, each half read from its index (cases_creator,
// case_officers_officer) — so a list walks them in id order instead of testing every case. `col`
// writes a case column (Hidden in CaseService::List's primary-key walk); the own set keeps its
// index.
// A case column as a filter writes it; `hide` so that no index can drive the query from it
// (CaseService::List's walk along the primary key): SQLite's unary +, and on PostgreSQL a no-op
// expression (`+ 0`, `|| ''`), which its planner cannot match to an index either.
enum class Hide { kNo, kSqlite, kPostgres };
std::string Col(const std::string& column, bool text, Hide hide) {
  switch (hide) {
    case Hide::kNo:
      return column;
    case Hide::kSqlite:
      return "+" + column;
    case Hide::kPostgres:
      return "(" + column + (text ? " || '')" : " + 0)");
  }
  return column;
}

// The ids of the cases of an "own" scope: those `user` created or works on as an officer.
std::string OwnCases(int64_t user, Params& params) {
  params.emplace_back(user);
  const std::string u = "$" + std::to_string(params.size());
  return "SELECT oc.id FROM cases oc WHERE oc.created_by = " + u +
         " UNION SELECT co.case_id FROM case_officers co WHERE co.officer_id IN (SELECT o.id FROM "
         "officers o WHERE o.user_id = " +
         u + ")";
}

// Whether the scope is the own set alone (an "own" scope without units).
bool OwnOnly(const org::Principal& p) {
  return p.scope.own_user && !p.scope.all && p.scope.subtree_roots.empty() &&
         p.scope.exact_units.empty();
}

std::string CaseScope(const org::Principal& p, Params& params, Hide hide = Hide::kNo) {
  if (!p.scope.own_user || p.scope.all) {
    return org::ScopePredicate(p.scope, Col("c.unit_id", false, hide),
                               Col("c.created_by", false, hide), params);
  }
  std::string own = "c.id IN (" + OwnCases(*p.scope.own_user, params) + ")";
  if (OwnOnly(p)) return own;
  org::ScopeFilter units = p.scope;
  units.own_user.reset();
  return "(" + org::ScopePredicate(units, Col("c.unit_id", false, hide), "", params) + " OR " +
         own + ")";
}

}  // namespace

// ---- rows -----------------------------------------------------------------------------------

struct CaseService::Row {
  int64_t id = 0;
  std::string case_no, procedure, state;
  int64_t unit_id = 0;
  std::string unit_name, matter_code, matter_name, domain, source, source_ref, title, place;
  std::string party_kind, party_name, party_code, party_id_cipher, party_id_masked, party_subject;
  std::string party_address, party_representative;
  CaseSnapshot snap;
  // The discretion facts and the engine's last verdict as stored (JSON text): parsed only where
  // used (most steps carry them over unchanged).
  std::string facts_text = "{}";
  std::string discretion_text = "{}";
  std::optional<int64_t> created_by;
  std::string created_at, updated_at;
  int64_t version = 0;
  std::string form_no;
  int64_t created_seq = 0, updated_seq = 0;
  Derived stored;  // the derived columns as the row holds them (UpdateCase writes what differs)

  json Facts() const { return json::parse(facts_text, nullptr, false); }
  json Discretion() const { return json::parse(discretion_text, nullptr, false); }
};

Date CaseService::Today() const {
  return today_ ? today_() : core::DateFromUnixMicros(core::NowMicros());
}

Result<CaseService::Row> CaseService::Load(Conn& c, const org::Principal* p, int64_t id) {
  Params params{id};
  std::string sql = std::string("SELECT ") + kCaseColumns + ", " + kDerivedColumns +
                    " FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.id = $1";
  if (p) sql += " AND " + CaseScope(*p, params);
  // Streamed: each column is copied once, into the row.
  std::optional<Row> out;
  ZHIFA_TRY(c.QueryEach(sql, params, [&](const store::RowRef& x) -> Status {
    auto text = [&](size_t i) { return std::string(x.Text(i)); };
    Row& row = out.emplace();
    row.id = x.Int(0);
    row.case_no = text(1);
    row.procedure = text(2);
    row.state = text(3);
    row.unit_id = x.Int(4);
    row.unit_name = text(5);
    row.matter_code = text(6);
    row.matter_name = text(7);
    row.domain = text(8);
    row.source = text(9);
    row.source_ref = text(10);
    row.title = text(11);
    row.place = text(12);
    row.party_kind = text(13);
    row.party_name = text(14);
    row.party_code = text(15);
    row.party_id_cipher = text(16);
    row.party_id_masked = text(17);
    row.party_subject = text(18);
    row.party_address = text(19);
    row.party_representative = text(20);
    auto snap = CaseSnapshot::FromText(x.Bytes(21));
    if (!snap) return snap.error();
    row.snap = std::move(*snap);
    row.facts_text = text(22);
    row.discretion_text = text(23);
    row.created_by = x.OptInt(24);
    row.created_at = text(25);
    row.updated_at = text(26);
    row.version = x.Int(27);
    row.form_no = text(28);
    row.created_seq = x.Int(29);
    row.updated_seq = x.Int(30);
    row.stored = ReadDerived(x, kCaseDerivedAt);
    return core::Ok();
  }));
  if (!out) return NotFound();
  return std::move(*out);
}

Result<StepContext> CaseService::Context(int64_t unit_id) {
  if (!calendar_) {
    return Err(ErrorCode::kUnavailable, "工作日历不可用",
               "the working-day calendar is unavailable");
  }
  StepContext ctx;
  ZHIFA_TRY(db_.Read([&](Conn& c) -> Status {
    auto r = Context(c, unit_id);
    if (!r) return r.error();
    ctx = std::move(*r);
    return core::Ok();
  }));
  return ctx;
}

Result<StepContext> CaseService::Context(Conn& c, int64_t unit_id) {
  StepContext ctx;
  ctx.today = Today();
  ctx.params = params_;
  if (!calendar_) {
    return Err(ErrorCode::kUnavailable, "工作日历不可用",
               "the working-day calendar is unavailable");
  }
  ctx.calendar_ref = calendar_->Current();
  ctx.cal = ctx.calendar_ref.get();
  auto found = calendar_->FindOverrides(c, {"penalty.statement", "penalty.decision"}, unit_id);
  if (!found) return found.error();
  ctx.statement_override = (*found)[0];
  ctx.decision_override = (*found)[1];
  return ctx;
}

Status CaseService::CheckVisible(const org::Principal& p, int64_t id) {
  return db_.Read([&](Conn& c) -> Status {
    Params params{id};
    auto r =
        c.Query("SELECT c.id FROM cases c WHERE c.id = $1 AND " + CaseScope(p, params), params);
    if (!r) return r.error();
    if (r->rows.empty()) return NotFound();
    return core::Ok();
  });
}

Result<int64_t> CaseService::CheckUnit(Conn& c, const org::Principal& p, int64_t unit_id) {
  Params params{unit_id};
  auto r = c.Query("SELECT u.id FROM units u WHERE u.id = $1 AND " +
                       org::ScopePredicate(p.scope, "u.id", "", params),
                   params);
  if (!r) return r.error();
  if (r->rows.empty()) {
    return Err(ErrorCode::kNotFound, "单位不存在", "unit not found", "unit_id");
  }
  return unit_id;
}

Result<CaseService::Party> CaseService::CheckParty(const PartyInput& in, Date today) {
  Party out;
  auto kind = ParsePartyKind(in.kind);
  if (!kind) {
    return Err(ErrorCode::kInvalidArgument,
               "party.kind 应为 person（公民）或 organisation（法人或其他组织）",
               "party.kind must be person or organisation", "party.kind");
  }
  out.kind = *kind;
  if (in.name.find_first_not_of(" \t") == std::string::npos || core::Utf8Length(in.name) > 200) {
    return Err(ErrorCode::kInvalidArgument, "请填写当事人名称（最多 200 个字符）",
               "party.name is required (at most 200 characters)", "party.name");
  }
  out.name = in.name;
  out.address = in.address;
  out.representative = in.representative;
  if (*kind == PartyKind::kPerson) {
    if (!in.credit_code.empty()) {
      return Err(ErrorCode::kInvalidArgument, "公民当事人不填统一社会信用代码",
                 "a citizen has no credit code", "party.credit_code");
    }
    const std::string id = core::NormalizeCode(in.id_number);
    if (id.empty()) {
      return Err(ErrorCode::kInvalidArgument, "请填写公民身份号码", "party.id_number is required",
                 "party.id_number");
    }
    ZHIFA_TRY(core::ValidateIdNumber(id, today, "party.id_number"));
    auto enc = cipher_.Encrypt(id);
    if (!enc) return enc.error();
    out.id_cipher = *enc;
    out.id_masked = core::MaskIdNumber(id);
    if (!person_key_) {
      return Err(ErrorCode::kUnavailable, "记录日志未就绪", "the record log is not ready");
    }
    out.subject = person_key_->Target(id);
  } else {
    if (!in.id_number.empty()) {
      return Err(ErrorCode::kInvalidArgument, "法人或其他组织当事人填写统一社会信用代码",
                 "an organisation is identified by its credit code", "party.id_number");
    }
    const std::string code = core::NormalizeCode(in.credit_code);
    if (code.empty()) {
      return Err(ErrorCode::kInvalidArgument, "请填写统一社会信用代码",
                 "party.credit_code is required", "party.credit_code");
    }
    ZHIFA_TRY(core::ValidateCreditCode(code, "party.credit_code"));
    out.code = code;
    out.subject = record::EnterpriseTarget(code);
  }
  return out;
}

Result<catalogue::MatterRules> CaseService::CheckMatter(Conn& c, const std::string& code, Date on,
                                                        int64_t unit_id) {
  if (!matters_) {
    return Err(ErrorCode::kUnavailable, "执法事项目录不可用", "the catalogue is unavailable");
  }
  if (code.empty() || code.size() > 64) {
    return Err(ErrorCode::kInvalidArgument, "请填写执法事项编码", "matter_code is required",
               "matter_code");
  }
  auto m = matters_->MatterRulesAt(code, on);
  if (!m) {
    return Err(
        ErrorCode::kInvalidArgument,
        "执法事项 " + code + " 在违法行为发生日（" + core::FormatDate(on) + "）不在目录中",
        "matter " + code + " is not in the catalogue on the act date " + core::FormatDate(on),
        "matter_code");
  }
  if (m->type != catalogue::MatterType::kPenalty) {
    return Err(ErrorCode::kInvalidArgument, "执法事项 " + code + " 不是行政处罚事项",
               "matter " + code + " is not a penalty matter", "matter_code");
  }
  // 职权法定: the matter must be held by the case's unit or one of its ancestors on the date.
  auto chain = org_.Chain(c, unit_id);
  if (!chain) return chain.error();
  bool held = false;
  for (const auto& u : *chain) {
    held = held || std::find(m->holder_unit_ids.begin(), m->holder_unit_ids.end(), u.id) !=
                       m->holder_unit_ids.end();
  }
  if (!held) {
    return Refuse(ErrorCode::kInvalidArgument, "matter_not_held", "《行政处罚法》第17条、第22条",
                  "执法事项 " + code + " 在该日不由本单位（或其上级）实施",
                  "matter " + code + " is not held by this unit (or a parent) on that date",
                  "matter_code");
  }
  return m;
}

Result<std::string> CaseService::NextSerial(Conn& c, int64_t unit_id, const char* kind, int year,
                                            const char* prefix) {
  auto one = NextSerials(c, {{unit_id, year}}, kind, prefix);
  if (!one) return one.error();
  return std::move(one->at(0));
}

Result<std::vector<std::string>> CaseService::NextSerials(
    Conn& c, const std::vector<std::pair<int64_t, int>>& units, const char* kind,
    const char* prefix) {
  // The department's numbering: the nearest department (or vertically managed unit) above.
  std::map<int64_t, int64_t> dept_of;
  std::map<std::pair<int64_t, int>, int64_t> count;  // (dept, year) → numbers wanted
  for (const auto& [unit_id, year] : units) {
    auto it = dept_of.find(unit_id);
    if (it == dept_of.end()) {
      auto chain = org_.Chain(c, unit_id);
      if (!chain) return chain.error();
      int64_t dept = unit_id;
      for (const auto& u : *chain) {
        if (u.kind == org::UnitKind::kDepartment || u.kind == org::UnitKind::kVertical) {
          dept = u.id;
          break;
        }
      }
      it = dept_of.emplace(unit_id, dept).first;
    }
    ++count[{it->second, year}];
  }
  std::map<std::pair<int64_t, int>, int64_t> next;  // (dept, year) → the first number
  for (const auto& [key, n] : count) {
    auto r = c.Query(
        "INSERT INTO case_serials (unit_id, kind, year, value) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (unit_id, kind, year) DO UPDATE SET value = case_serials.value + $4 "
        "RETURNING value",
        {key.first, std::string(kind), int64_t{key.second}, n});
    if (!r) return r.error();
    next[key] = r->rows.at(0).Int(0) - n + 1;
  }
  std::vector<std::string> out;
  out.reserve(units.size());
  for (const auto& [unit_id, year] : units) {
    const int64_t dept = dept_of[unit_id];
    std::string n = std::to_string(next[{dept, year}]++);
    if (n.size() < 6) n.insert(0, 6 - n.size(), '0');
    out.push_back(std::string(prefix) + std::to_string(dept) + "-" + std::to_string(year) + "-" +
                  n);
  }
  return out;
}

Result<CaseService::Verdict> CaseService::RunDiscretion(const org::Principal& p, int64_t unit_id,
                                                        const std::string& matter_code,
                                                        const CaseSnapshot& s, const json& facts,
                                                        Outcome outcome, const Penalty& penalty,
                                                        const std::string& reason) {
  Verdict v;
  if (!discretion_ || (outcome != Outcome::kPenalty && outcome != Outcome::kNoPenalty)) return v;
  discretion::DiscretionService::Request req;
  req.matter_code = matter_code;
  req.facts = FactsWithCase(facts, s);
  req.unit_id = unit_id;
  discretion::Proposal pr;
  pr.kinds = penalty.kinds;
  if (penalty.fine > 0) pr.fine = penalty.fine;
  pr.reason = reason;
  req.proposal = pr;
  auto out = discretion_->Run(p, req);
  if (!out) return out.error();
  v.verdict.evaluated = true;
  for (const auto& pj : (*out)["problems"]) {
    v.verdict.problems.push_back({pj.value("code", ""), pj.value("field", ""),
                                  pj.value("message_zh", ""), pj.value("message_en", ""),
                                  pj.value("article", "")});
  }
  v.result = {{"outcome", (*out)["outcome"]}, {"problems", (*out)["problems"]},
              {"ok", (*out)["ok"]},           {"on", (*out)["on"]},
              {"proposal", penalty.ToJson()}, {"reason", reason}};
  return v;
}

// ---- writing --------------------------------------------------------------------------------

// ---- creating -------------------------------------------------------------------------------

CaseRecord CaseService::Record(int64_t id, const std::string& case_no, int64_t unit_id,
                               const catalogue::MatterRules& matter, const Party& party,
                               const org::Principal& p) {
  CaseRecord r;
  r.id = id;
  r.case_no = case_no;
  r.unit_id = unit_id;
  r.matter_code = matter.code;
  r.matter_name = matter.name;
  r.domain = matter.domain;
  r.party_kind = PartyKindId(party.kind);
  r.party_name = party.name;
  r.party_code = party.code;
  r.party_id_cipher = party.id_cipher;
  r.party_id_masked = party.id_masked;
  r.party_subject = party.subject;
  r.party_address = party.address;
  r.party_representative = party.representative;
  r.created_by = UserOf(p);
  return r;
}

Result<json> CaseService::Create(const org::Principal& p, const NewCase& in) {
  const Date today = Today();
  auto act = core::ParseDate(in.act_date, "act_date");
  if (!act) return act.error();
  auto discovered = core::ParseDate(in.discovered_date, "discovered_date");
  if (!discovered) return discovered.error();
  std::optional<Date> act_end;
  if (!in.act_end_date.empty()) {
    auto e = core::ParseDate(in.act_end_date, "act_end_date");
    if (!e) return e.error();
    if (*e < *act) {
      return Err(ErrorCode::kInvalidArgument, "违法行为终了日期不能早于发生日期",
                 "act_end_date must not be before act_date", "act_end_date");
    }
    if (*e > today) {
      return Err(ErrorCode::kInvalidArgument, "日期不能晚于今天",
                 "the date must not be in the future", "act_end_date");
    }
    act_end = *e;
  }
  if (*discovered < *act) {
    return Err(ErrorCode::kInvalidArgument, "发现日期不能早于违法行为发生日期",
               "discovered_date must not be before act_date", "discovered_date");
  }
  if (*discovered > today) {
    return Err(ErrorCode::kInvalidArgument, "发现日期不能晚于今天",
               "discovered_date must not be in the future", "discovered_date");
  }
  auto source = ParseSource(in.source);
  if (!source) {
    return Err(ErrorCode::kInvalidArgument,
               "source 应为 inspection、complaint、hotline、referral 或 discovered",
               "source must be inspection, complaint, hotline, referral or discovered", "source");
  }
  if (in.title.find_first_not_of(" \t") == std::string::npos || core::Utf8Length(in.title) > 200) {
    return Err(ErrorCode::kInvalidArgument, "请填写案由（最多 200 个字符）",
               "title is required (at most 200 characters)", "title");
  }
  for (auto [v, f] : {std::pair{&in.source_ref, "source_ref"}, std::pair{&in.place, "place"}}) {
    if (core::Utf8Length(*v) > 200) {
      return Err(ErrorCode::kInvalidArgument, std::string(f) + " 过长（最多 200 个字符）",
                 std::string(f) + " is too long (at most 200 characters)", f);
    }
  }
  auto party = CheckParty(in.party, today);
  if (!party) return party.error();
  CaseSnapshot s;
  s.party_kind = party->kind;
  s.act_date = *act;
  s.act_end_date = act_end;
  s.discovered_date = *discovered;
  s.safety_harm = in.safety_harm;
  std::vector<OfficerFact> officers;
  if (!in.officer_ids.empty()) {
    if (!officers_)
      return Err(ErrorCode::kUnavailable, "执法人员库不可用", "officer register unavailable");
    auto o = officers_->OnDate(in.officer_ids, today, "officer_ids");
    if (!o) return o.error();
    ZHIFA_TRY(CheckOfficers(*o, {}, "officer_ids"));
    officers = std::move(*o);
    for (const auto& x : officers) s.officers.push_back(x.id);
  }
  json facts = in.facts.is_null() ? json::object() : in.facts;
  if (!facts.is_object()) {
    return Err(ErrorCode::kWrongType, "facts 应为对象", "facts must be an object", "facts");
  }
  if (auto f = discretion::ParseFacts(FactsWithCase(facts, s), "facts."); !f) return f.error();
  catalogue::MatterRules matter;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto u = CheckUnit(c, p, in.unit_id);
    if (!u) return u.error();
    auto m = CheckMatter(c, in.matter_code, *act, in.unit_id);
    if (!m) return m.error();
    matter = std::move(*m);
    return core::Ok();
  });
  if (!st) return st.error();
  s.matter_review = matter.major_review;
  int64_t id = 0;
  st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    auto new_id = tx.NewId();
    if (!new_id) return new_id.error();
    id = *new_id;
    Conn& c = tx.conn();
    auto no = NextSerial(c, in.unit_id, "case", today.year, "C");
    if (!no) return no.error();
    CaseRecord rec = Record(id, *no, in.unit_id, matter, *party, p);
    rec.source = SourceId(*source);
    rec.source_ref = in.source_ref;
    rec.title = in.title;
    rec.place = in.place;
    rec.facts = facts;
    auto seq = tx.Emit({"case.registered",
                        CaseTarget(id),
                        RegisteredPayload(rec, s),
                        in.unit_id,
                        {party->subject}});
    if (!seq) return seq.error();
    StepContext ctx;
    ctx.today = today;
    ctx.params = params_;
    auto cal = calendar_->Current();
    ctx.cal = cal.get();
    const std::string now = core::FormatRfc3339Micros(tx.now());
    ZHIFA_TRY(InsertCase(c, rec, s, ctx, now, now, 1, *seq, *seq));
    if (!s.officers.empty()) ZHIFA_TRY(SyncOfficers(c, id, s));
    return core::Ok();
  });
  if (!st) return st.error();
  return Detail(p, id);
}

Result<json> CaseService::CreateSimplified(const org::Principal& p, const NewSimplified& in) {
  const Date today = Today();
  auto act = core::ParseDate(in.act_date, "act_date");
  if (!act) return act.error();
  Date date = today;
  if (!in.date.empty()) {
    auto d = core::ParseDate(in.date, "date");
    if (!d) return d.error();
    date = *d;
  }
  if (in.title.find_first_not_of(" \t") == std::string::npos || core::Utf8Length(in.title) > 200) {
    return Err(ErrorCode::kInvalidArgument, "请填写案由（最多 200 个字符）",
               "title is required (at most 200 characters)", "title");
  }
  if (in.place.find_first_not_of(" \t") == std::string::npos || core::Utf8Length(in.place) > 200) {
    return Err(ErrorCode::kInvalidArgument, "请填写违法行为地点（第52条，最多 200 个字符）",
               "place is required (Art. 52; at most 200 characters)", "place");
  }
  if (in.basis.find_first_not_of(" \t") == std::string::npos || core::Utf8Length(in.basis) > 500) {
    return Err(ErrorCode::kInvalidArgument, "请填写处罚依据（第52条）",
               "basis is required (Art. 52)", "basis");
  }
  auto penalty = PenaltyFromJson(in.penalty, "penalty");
  if (!penalty) return penalty.error();
  auto party = CheckParty(in.party, today);
  if (!party) return party.error();
  if (!officers_)
    return Err(ErrorCode::kUnavailable, "执法人员库不可用", "officer register unavailable");
  if (in.officer_ids.empty()) {
    return Refuse(ErrorCode::kInvalidArgument, "two_officers", Xzcf("第42条"),
                  "执法人员不得少于两人", "at least two officers are required", "officer_ids");
  }
  auto officers = officers_->OnDate(in.officer_ids, date, "officer_ids");
  if (!officers) return officers.error();
  auto ctx = Context(in.unit_id);
  if (!ctx) return ctx.error();
  SimplifiedInput si;
  si.party_kind = party->kind;
  si.act_date = *act;
  si.date = date;
  si.penalty = *penalty;
  si.officers = *officers;
  si.credentials_shown = in.credentials_shown;
  auto snap = StartSimplified(si, *ctx);
  if (!snap) return snap.error();
  json facts = in.facts.is_null() ? json::object() : in.facts;
  if (!facts.is_object()) {
    return Err(ErrorCode::kWrongType, "facts 应为对象", "facts must be an object", "facts");
  }
  catalogue::MatterRules matter;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto u = CheckUnit(c, p, in.unit_id);
    if (!u) return u.error();
    auto m = CheckMatter(c, in.matter_code, *act, in.unit_id);
    if (!m) return m.error();
    matter = std::move(*m);
    return core::Ok();
  });
  if (!st) return st.error();
  snap->matter_review = matter.major_review;
  auto verdict = RunDiscretion(p, in.unit_id, matter.code, *snap, facts, Outcome::kPenalty,
                               *penalty, in.reason);
  if (!verdict) return verdict.error();
  auto outside = ApplyDiscretion(verdict->verdict, in.reason);
  if (!outside) return outside.error();
  if (*outside) {
    return Refuse(ErrorCode::kInvalidArgument, "discretion.outside_allowed_range",
                  Xzcf("第34条、第51条"),
                  "当场处罚不得超出裁量基准幅度（简易程序无法制审核）：请适用普通程序",
                  "an on-the-spot penalty must stay within the benchmark range (no legal review "
                  "in the simplified procedure): use the ordinary procedure",
                  "penalty.fine");
  }
  int64_t id = 0;
  st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    auto new_id = tx.NewId();
    if (!new_id) return new_id.error();
    id = *new_id;
    Conn& c = tx.conn();
    auto no = NextSerial(c, in.unit_id, "case", date.year, "C");
    if (!no) return no.error();
    auto form = NextSerial(c, in.unit_id, "form", date.year, "J");
    if (!form) return form.error();
    json data = {{"form_no", *form},
                 {"penalty", penalty->ToJson()},
                 {"reason", in.reason},
                 {"basis", in.basis},
                 {"place", in.place},
                 {"credentials_shown", in.credentials_shown},
                 {"party_signed", in.party_signed},
                 {"officer_ids", snap->officers}};
    CaseRecord rec = Record(id, *no, in.unit_id, matter, *party, p);
    rec.title = in.title;
    rec.place = in.place;
    rec.form_no = *form;
    rec.facts = facts;
    rec.discretion = verdict->result;
    auto seq = tx.Emit({"case.simplified_decided",
                        CaseTarget(id),
                        SimplifiedPayload(rec, *snap, data),
                        in.unit_id,
                        {party->subject}});
    if (!seq) return seq.error();
    const std::string now = core::FormatRfc3339Micros(tx.now());
    ZHIFA_TRY(InsertCase(c, rec, *snap, *ctx, now, now, 1, *seq, *seq));
    ZHIFA_TRY(SyncOfficers(c, id, *snap));
    auto step_id = tx.NewId();
    if (!step_id) return step_id.error();
    ZHIFA_TRY(
        InsertStep(c, *step_id, id, kSimplifiedDecisionStep, date, data, UserOf(p), now, *seq));
    return InsertPublication(c, id, in.unit_id, *snap->decision, *ctx->cal, *seq);
  });
  if (!st) return st.error();
  return Detail(p, id);
}

// ---- steps ----------------------------------------------------------------------------------

Result<json> CaseService::Step(const org::Principal& p, int64_t id, std::string_view step_id,
                               const json& body) {
  auto kind = ParseStep(step_id);
  if (!kind) {
    return Err(ErrorCode::kNotFound, "未知的办案环节: " + std::string(step_id),
               "unknown step: " + std::string(step_id), "step");
  }
  const StepInfo& info = Info(*kind);
  if (!p.Has(PermissionOf(info.authority))) {
    return Err(ErrorCode::kPermissionDenied,
               std::string("无权进行「") + info.name_zh + "」（需要 " +
                   StepAuthorityId(info.authority) + "）",
               std::string("step ") + StepId(*kind) + " needs permission " +
                   StepAuthorityId(info.authority),
               "step");
  }
  In in(body);
  Row row;
  int64_t version = 0;
  std::optional<StepContext> ctx;
  Plan plan;
  plan.kind = *kind;
  const Plan* pl = &plan;  // the rule reads the discretion verdict, known after the read
  // One read snapshot: the case as the caller may see it (outside the scope: not found), its
  // version, the unit's context, the body with the officers from the register, the evidence.
  auto st = db_.Read([&](Conn& rc) -> Status {
    auto loaded = Load(rc, &p, id);
    if (!loaded) return loaded.error();
    row = std::move(*loaded);
    auto v = in.Int("version", true);
    if (!v) return v.error();
    version = *v;
    if (version != row.version) {
      return Err(ErrorCode::kConflict,
                 "案件已被他人修改（版本 " + std::to_string(row.version) + "），请刷新后重试",
                 "the case was changed meanwhile (version " + std::to_string(row.version) +
                     "); reload and retry",
                 "version");
    }
    auto cx = Context(rc, row.unit_id);
    if (!cx) return cx.error();
    ctx = std::move(*cx);
    const Date today = ctx->today;
    auto need_officers = [&]() -> Status {
      if (!officers_)
        return Err(ErrorCode::kUnavailable, "执法人员库不可用", "officer register unavailable");
      return core::Ok();
    };
    auto officers_on = [&](const std::vector<int64_t>& ids, Date on,
                           const char* field) -> Result<std::vector<OfficerFact>> {
      ZHIFA_TRY(need_officers());
      return officers_->OnDate(rc, ids, on, field);
    };
    plan.date = today;
    const CaseSnapshot& s = row.snap;
    auto take_evidence = [&](bool required) -> Status {
      auto ids = in.Ids("evidence_ids", required);
      if (!ids) return ids.error();
      plan.evidence_ids = *ids;
      return core::Ok();
    };
    auto penalty_of = [&]() -> Result<Penalty> {
      return PenaltyFromJson(in.Raw("penalty"), "penalty");
    };
    auto outcome_of = [&]() -> Result<Outcome> {
      return in.Enum<Outcome>("outcome", ParseOutcome,
                              "penalty、no_penalty、not_established 或 transfer");
    };

    switch (*kind) {
      case StepKind::kFile: {
        ZHIFA_TRY(in.Only({"version", "date", "note", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(note, in.Str("note", false));
        ZHIFA_TRY(take_evidence(false));
        if (s.officers.size() < 2) {
          ZHIFA_TRY(CheckOfficers({}, s.recused, "officer_ids"));
        }
        ZHIFA_ASSIGN(officers, officers_on(s.officers, date, "officer_ids"));
        plan.date = date;
        plan.data = {{"note", note}};
        plan.apply = [date, officers](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepFile(x, {date, officers}, c);
        };
        break;
      }
      case StepKind::kNotFile: {
        ZHIFA_TRY(in.Only({"version", "date", "reason"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(reason, in.Str("reason", true));
        plan.date = date;
        plan.data = {{"reason", reason}};
        plan.apply = [date, reason](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepNotFile(x, {date, reason}, c);
        };
        break;
      }
      case StepKind::kAssignOfficers: {
        ZHIFA_TRY(in.Only({"version", "officer_ids"}));
        ZHIFA_ASSIGN(ids, in.Ids("officer_ids", true));
        ZHIFA_ASSIGN(officers, officers_on(ids, today, "officer_ids"));
        plan.data = {{"officer_ids", ids}};
        plan.apply = [officers](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepAssignOfficers(x, {officers}, c);
        };
        break;
      }
      case StepKind::kInvestigate: {
        ZHIFA_TRY(in.Only({"version", "date", "kind", "officer_ids", "credentials_shown", "summary",
                           "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(
            k, in.Enum<InvestigationKind>("kind", ParseInvestigationKind,
                                          "inspection、questioning、sampling、survey 或 other"));
        ZHIFA_ASSIGN(ids, in.Ids("officer_ids", true));
        ZHIFA_ASSIGN(shown, in.Bool("credentials_shown", true));
        ZHIFA_ASSIGN(summary, in.Str("summary", true, 10000));
        ZHIFA_TRY(take_evidence(false));
        ZHIFA_ASSIGN(officers, officers_on(ids, date, "officer_ids"));
        plan.date = date;
        plan.data = {{"kind", InvestigationKindId(k)},
                     {"officer_ids", ids},
                     {"credentials_shown", shown},
                     {"summary", summary}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepInvestigate(x, {date, k, officers, shown, summary}, c);
        };
        break;
      }
      case StepKind::kCompulsion: {
        ZHIFA_TRY(in.Only(
            {"version", "date", "measure", "officer_ids", "approved", "summary", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(m, in.Enum<Measure>("measure", ParseMeasure,
                                         "seizure、detention、demolition、freeze 或 other"));
        ZHIFA_ASSIGN(ids, in.Ids("officer_ids", true));
        ZHIFA_ASSIGN(approved, in.Bool("approved", true));
        ZHIFA_ASSIGN(summary, in.Str("summary", true, 10000));
        ZHIFA_TRY(take_evidence(false));
        ZHIFA_ASSIGN(officers, officers_on(ids, date, "officer_ids"));
        plan.date = date;
        plan.data = {{"measure", MeasureId(m)},
                     {"officer_ids", ids},
                     {"approved", approved},
                     {"summary", summary}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount& e) {
          return StepCompulsion(x, {date, m, officers, approved, e.audio_video, summary}, c);
        };
        break;
      }
      case StepKind::kNonCoercive: {
        ZHIFA_TRY(in.Only({"version", "date", "means", "note", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(m,
                     in.Enum<NonCoerciveMeans>("means", ParseNonCoerciveMeans,
                                               "persuasion、demonstration、warning 或 interview"));
        ZHIFA_ASSIGN(note, in.Str("note", true, 5000));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.data = {{"means", NonCoerciveMeansId(m)}, {"note", note}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepNonCoercive(x, {date, m, note}, c);
        };
        break;
      }
      case StepKind::kRecusal: {
        ZHIFA_TRY(in.Only({"version", "date", "officer_id", "applicant", "granted", "reason"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(officer, in.Int("officer_id", true));
        ZHIFA_ASSIGN(applicant, in.Str("applicant", true, 20));
        ZHIFA_ASSIGN(granted, in.Bool("granted", true));
        ZHIFA_ASSIGN(reason, in.Str("reason", true, 5000));
        plan.date = date;
        plan.data = {{"officer_id", officer},
                     {"applicant", applicant},
                     {"granted", granted},
                     {"reason", reason}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepRecusal(x, {date, officer, granted, applicant, reason}, c);
        };
        break;
      }
      case StepKind::kConcludeInvestigation:
      case StepKind::kAmend: {
        const bool conclude = *kind == StepKind::kConcludeInvestigation;
        if (conclude) {
          ZHIFA_TRY(in.Only({"version", "date", "outcome", "penalty", "reason", "facts", "report",
                             "complex", "major_interest", "major_violation"}));
        } else {
          ZHIFA_TRY(in.Only({"version", "date", "outcome", "penalty", "reason", "facts"}));
        }
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(outcome, outcome_of());
        ZHIFA_ASSIGN(penalty, penalty_of());
        ZHIFA_ASSIGN(reason, in.Str("reason", !conclude, 5000));
        json facts = in.Has("facts") ? in.Raw("facts") : row.Facts();
        if (conclude && !in.Has("facts")) {
          return Err(ErrorCode::kInvalidArgument, "缺少必填字段 facts（裁量事实）",
                     "facts is required", "facts");
        }
        if (!facts.is_object()) {
          return Err(ErrorCode::kWrongType, "facts 应为对象", "facts must be an object", "facts");
        }
        plan.ask = DiscretionAsk{facts, outcome, penalty, reason};
        plan.date = date;
        plan.facts = facts;
        plan.data = {
            {"outcome", OutcomeId(outcome)}, {"penalty", penalty.ToJson()}, {"reason", reason}};
        if (conclude) {
          ZHIFA_ASSIGN(report, in.Str("report", true, 20000));
          ZHIFA_ASSIGN(cx, in.Bool("complex", false));
          ZHIFA_ASSIGN(mi, in.Bool("major_interest", false));
          ZHIFA_ASSIGN(mv, in.Bool("major_violation", false));
          plan.data["report"] = report;
          plan.data["complex"] = cx;
          plan.data["major_interest"] = mi;
          plan.data["major_violation"] = mv;
          plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
            return StepConclude(
                x, {date, outcome, penalty, reason, cx, mi, mv, report, pl->verdict}, c);
          };
        } else {
          plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
            return StepAmend(x, {date, outcome, penalty, reason, pl->verdict}, c);
          };
        }
        break;
      }
      case StepKind::kReviewCase: {
        ZHIFA_TRY(in.Only({"version", "date", "agree", "opinion"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(agree, in.Bool("agree", true));
        ZHIFA_ASSIGN(opinion, in.Str("opinion", true, 5000));
        plan.date = date;
        plan.data = {{"agree", agree}, {"opinion", opinion}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepReviewCase(x, {date, agree, opinion}, c);
        };
        break;
      }
      case StepKind::kNotify: {
        ZHIFA_TRY(in.Only({"version", "date", "facts", "reasons", "basis", "statement_right",
                           "hearing_right", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(facts, in.Str("facts", false, 10000));
        ZHIFA_ASSIGN(reasons, in.Str("reasons", false, 10000));
        ZHIFA_ASSIGN(basis, in.Str("basis", false, 5000));
        ZHIFA_ASSIGN(sr, in.Bool("statement_right", true));
        ZHIFA_ASSIGN(hr, in.Bool("hearing_right", false));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.data = {{"facts", facts},      {"reasons", reasons},
                     {"basis", basis},      {"statement_right", sr},
                     {"hearing_right", hr}, {"penalty", s.proposal.ToJson()}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepNotify(x, {date, facts, reasons, basis, sr, hr}, c);
        };
        break;
      }
      case StepKind::kWaive: {
        ZHIFA_TRY(in.Only({"version", "date", "scope", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(scope, in.Str("scope", true, 20));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.data = {{"scope", scope}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount& e) {
          return StepWaive(x, {date, scope, e.total}, c);
        };
        break;
      }
      case StepKind::kStatement: {
        ZHIFA_TRY(in.Only({"version", "date", "content", "adopted", "response", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(content, in.Str("content", true, 20000));
        ZHIFA_ASSIGN(adopted, in.Bool("adopted", true));
        ZHIFA_ASSIGN(response, in.Str("response", true, 20000));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.data = {{"content", content}, {"adopted", adopted}, {"response", response}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepStatement(x, {date, content, adopted, response}, c);
        };
        break;
      }
      case StepKind::kRequestHearing: {
        ZHIFA_TRY(in.Only({"version", "date", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepRequestHearing(x, {date}, c);
        };
        break;
      }
      case StepKind::kScheduleHearing: {
        ZHIFA_TRY(in.Only({"version", "notice_date", "hearing_date", "presider_id", "place"}));
        ZHIFA_ASSIGN(nd, in.Day("notice_date"));
        ZHIFA_ASSIGN(hd, in.Day("hearing_date"));
        ZHIFA_ASSIGN(presider, in.Int("presider_id", true));
        ZHIFA_ASSIGN(place, in.Str("place", true, 200));
        ZHIFA_ASSIGN(pres, officers_on({presider}, nd, "presider_id"));
        plan.date = nd;
        plan.data = {{"notice_date", core::FormatDate(nd)},
                     {"hearing_date", core::FormatDate(hd)},
                     {"presider_id", presider},
                     {"presider_name", pres.empty() ? "" : pres[0].name},
                     {"place", place}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepScheduleHearing(x, {nd, hd, presider, place}, c);
        };
        break;
      }
      case StepKind::kHoldHearing: {
        ZHIFA_TRY(in.Only({"version", "date", "attended", "record", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(attended, in.Bool("attended", true));
        ZHIFA_ASSIGN(record, in.Str("record", true, 20000));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.data = {{"attended", attended}, {"record", record}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepHoldHearing(x, {date, attended, record}, c);
        };
        break;
      }
      case StepKind::kSubmitReview: {
        ZHIFA_TRY(in.Only({"version", "date", "note"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(note, in.Str("note", false, 5000));
        // The review report (朔州 rule as reported in legal-facts §1.6): facts and basis, the
        // officers' qualifications, the procedure, how discretion was used — composed from the
        // case.
        std::vector<OfficerFact> facts;
        if (officers_) {
          std::vector<int64_t> ids = s.officers;
          for (int64_t x : s.investigators) {
            if (std::find(ids.begin(), ids.end(), x) == ids.end()) ids.push_back(x);
          }
          ZHIFA_ASSIGN(on_date, officers_->OnDate(rc, ids, date, "officers"));
          facts = std::move(on_date);
        }
        plan.date = date;
        plan.data = {{"note", note},
                     {"report", cases::ReviewReport(s, row.matter_code, row.matter_name, facts,
                                                    row.Discretion(), params_)}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepSubmitReview(x, {date}, c);
        };
        break;
      }
      case StepKind::kReviewOpinion: {
        ZHIFA_TRY(in.Only({"version", "date", "opinion", "reasons", "report"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(opinion,
                     in.Enum<ReviewStatus>("opinion", ParseOpinion, "agree、amend 或 disagree"));
        ZHIFA_ASSIGN(reasons, in.Str("reasons", false, 10000));
        const json& report = in.Raw("report");
        if (!report.is_object()) {
          return Err(ErrorCode::kInvalidArgument,
                     "缺少审核报告 report（facts、basis、qualifications、procedure、discretion）",
                     "report (facts, basis, qualifications, procedure, discretion) is required",
                     "report");
        }
        In rep(report, "report.");
        ZHIFA_TRY(rep.Only({"facts", "basis", "qualifications", "procedure", "discretion"}));
        json rj = json::object();
        for (const char* k : {"facts", "basis", "qualifications", "procedure", "discretion"}) {
          ZHIFA_ASSIGN(v, rep.Str(k, true, 10000));
          rj[k] = v;
        }
        ZHIFA_TRY(need_officers());
        ZHIFA_ASSIGN(me, officers_->ForUser(rc, p.user_id, date));
        ZHIFA_TRY(officers_->CheckReviewerQualified(rc, p.user_id, date));
        const int64_t reviewer = me ? me->id : 0;
        plan.date = date;
        plan.record_review_user = p.user_id;
        plan.data = {{"opinion", ReviewStatusId(opinion)},
                     {"reasons", reasons},
                     {"report", rj},
                     {"round", s.review_round},
                     {"reviewer_officer_id", reviewer}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepReviewOpinion(x, {date, opinion, reasons, reviewer}, c);
        };
        break;
      }
      case StepKind::kDiscuss: {
        ZHIFA_TRY(in.Only({"version", "date", "participants", "conclusion", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(participants, in.Str("participants", true, 2000));
        ZHIFA_ASSIGN(conclusion, in.Str("conclusion", true, 10000));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.data = {{"participants", participants}, {"conclusion", conclusion}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepDiscuss(x, {date, participants, conclusion}, c);
        };
        break;
      }
      case StepKind::kExtend: {
        ZHIFA_TRY(in.Only({"version", "date", "days", "reason", "basis"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(days, in.Int("days", true));
        ZHIFA_ASSIGN(reason, in.Str("reason", true, 5000));
        ZHIFA_ASSIGN(basis, in.Str("basis", true, 1000));
        if (days > 3650 || days < -3650) {
          return Err(ErrorCode::kInvalidArgument, "延长天数不合理", "days is out of range", "days");
        }
        plan.date = date;
        plan.data = {{"days", days}, {"reason", reason}, {"basis", basis}};
        const int d = static_cast<int>(days);
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepExtend(x, {date, d, reason, basis}, c);
        };
        break;
      }
      case StepKind::kDecide: {
        ZHIFA_TRY(in.Only({"version", "date", "outcome", "penalty", "reason", "education",
                           "document_no", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(outcome, outcome_of());
        ZHIFA_ASSIGN(penalty, penalty_of());
        ZHIFA_ASSIGN(reason, in.Str("reason", false, 5000));
        ZHIFA_ASSIGN(education, in.Str("education", false, 5000));
        ZHIFA_ASSIGN(doc, in.Str("document_no", false, 100));
        ZHIFA_TRY(take_evidence(false));
        const std::string why = reason.empty() ? s.proposal_reason : reason;
        plan.ask = DiscretionAsk{row.Facts(), outcome, penalty, why};
        plan.date = date;
        plan.data = {{"outcome", OutcomeId(outcome)},
                     {"penalty", penalty.ToJson()},
                     {"reason", why},
                     {"education", education},
                     {"document_no", doc}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepDecide(x, {date, outcome, penalty, why, education, pl->verdict}, c);
        };
        break;
      }
      case StepKind::kServe: {
        ZHIFA_TRY(in.Only({"version", "date", "method", "consent", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(method,
                     in.Enum<ServiceMethod>("method", ParseServiceMethod,
                                            "direct、left、post、electronic、public 或 entrusted"));
        ZHIFA_ASSIGN(consent, in.Bool("consent", false));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.data = {{"method", ServiceMethodId(method)}, {"consent", consent}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepServe(x, {date, method, consent}, c);
        };
        break;
      }
      case StepKind::kExecute: {
        ZHIFA_TRY(in.Only({"version", "date", "method", "paid", "evidence_ids"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(method,
                     in.Enum<ExecutionMethod>("method", ParseExecutionMethod,
                                              "paid、enforced、court、instalment 或 not_required"));
        ZHIFA_ASSIGN(paid, in.Int("paid", false));
        ZHIFA_TRY(take_evidence(false));
        plan.date = date;
        plan.data = {{"method", ExecutionMethodId(method)}, {"paid", paid}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepExecute(x, {date, method, paid}, c);
        };
        break;
      }
      case StepKind::kReportFiling: {
        ZHIFA_TRY(in.Only({"version", "date"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        plan.date = date;
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepReportFiling(x, {date}, c);
        };
        break;
      }
      case StepKind::kClose: {
        ZHIFA_TRY(in.Only({"version", "date", "summary"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(summary, in.Str("summary", false, 10000));
        plan.date = date;
        plan.data = {{"summary", summary}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepClose(x, {date, summary}, c);
        };
        break;
      }
      case StepKind::kArchive: {
        ZHIFA_TRY(in.Only({"version", "date", "archive_no"}));
        ZHIFA_ASSIGN(date, in.Day("date"));
        ZHIFA_ASSIGN(no, in.Str("archive_no", false, 100));
        plan.date = date;
        plan.data = {{"archive_no", no}};
        plan.apply = [=](CaseSnapshot& x, const StepContext& c, const EvidenceCount&) {
          return StepArchive(x, {date, no}, c);
        };
        break;
      }
    }

    return CheckEvidence(rc, id, plan);
  });
  if (!st) return st.error();
  if (plan.ask) {
    ZHIFA_ASSIGN(verdict, RunDiscretion(p, row.unit_id, row.matter_code, row.snap, plan.ask->facts,
                                        plan.ask->outcome, plan.ask->penalty, plan.ask->reason));
    plan.verdict = verdict.verdict;
    if (verdict.verdict.evaluated) plan.discretion = verdict.result;
  }

  // The rule, on the case as read: the command below proves by the version that the row it
  // writes over is this one, so everything it writes is prepared here, off the writer.
  CaseSnapshot next = row.snap;
  ZHIFA_TRY(plan.apply(next, *ctx, plan.evidence_count));
  auto derived = Derive(next, *ctx);
  if (!derived) return derived.error();
  const std::string snapshot_text = next.ToText();
  const std::string facts_text = plan.facts ? plan.facts->dump() : row.facts_text;
  const std::string discretion_text =
      plan.discretion ? plan.discretion->dump() : row.discretion_text;
  const std::string data_text = plan.data.dump();
  const json payload = StepPayload(row.case_no, plan.kind, 0, plan.date, row.snap.state, next.state,
                                   version + 1, plan.data, plan.evidence);
  const bool officers_changed =
      row.snap.officers != next.officers || row.snap.recused != next.recused;
  const bool decided = !row.snap.decision && next.decision;

  // The command: the version still the one read (else 409: a concurrent step won), the entry,
  // the case row, the step row and its evidence links.
  int64_t step_row = 0;
  int64_t seq = 0;
  st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    // UpdateCase's guard refuses (409) when a concurrent step changed the version: the whole
    // command rolls back, entry included.
    auto sid = tx.NewId();
    if (!sid) return sid.error();
    step_row = *sid;
    json entry = payload;
    entry["step_id"] = step_row;
    auto emitted = tx.Emit(
        {EventName(plan.kind), CaseTarget(id), std::move(entry), row.unit_id, {row.party_subject}});
    if (!emitted) return emitted.error();
    seq = *emitted;
    const std::string now = core::FormatRfc3339Micros(tx.now());
    ZHIFA_TRY(UpdateCase(c, id, version, *derived, &row.stored, snapshot_text, facts_text,
                         discretion_text, now, seq));
    if (officers_changed) ZHIFA_TRY(SyncOfficers(c, id, next));
    if (decided) ZHIFA_TRY(InsertPublication(c, id, row.unit_id, *next.decision, *ctx->cal, seq));
    ZHIFA_TRY(
        InsertStep(c, step_row, id, StepId(plan.kind), plan.date, data_text, UserOf(p), now, seq));
    for (int64_t e : plan.evidence_ids) {
      auto l = c.Exec(
          "INSERT INTO case_step_evidence (step_id, evidence_id, case_id) VALUES ($1, $2, $3)",
          {step_row, e, id});
      if (!l) return l.error();
    }
    if (plan.record_review_user != 0 && officers_) {
      ZHIFA_TRY(officers_->RecordReview(tx, plan.record_review_user, plan.date));
    }
    return core::Ok();
  });
  if (!st) return st.error();
  // What changed (the case page reads the whole case with GET /cases/{id} when it shows it).
  return json{{"id", id},
              {"case_no", row.case_no},
              {"version", version + 1},
              {"state", StateId(next.state)},
              {"state_zh", StateZh(next.state)},
              {"state_en", StateEn(next.state)},
              {"step",
               {{"id", step_row},
                {"step", StepId(plan.kind)},
                {"date", core::FormatDate(plan.date)},
                {"seq", seq}}},
              {"seq", seq}};
}

// ---- reading --------------------------------------------------------------------------------

Result<json> CaseService::Get(const org::Principal& p, int64_t id) { return Detail(p, id); }

Result<json> CaseService::Detail(const org::Principal& p, int64_t id) {
  Row row;
  std::optional<StepContext> ctx;
  std::vector<OfficerFact> officer_facts;
  json steps = json::array();
  std::map<int64_t, json> evidence_by_step;
  json publication = nullptr;
  // One read snapshot: the case, its unit's context, its officers, steps and publication.
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = Load(c, &p, id);
    if (!r) return r.error();
    row = std::move(*r);
    auto cx = Context(c, row.unit_id);
    if (!cx) return cx.error();
    ctx = std::move(*cx);
    if (officers_) {
      std::vector<int64_t> ids = row.snap.officers;
      ids.insert(ids.end(), row.snap.recused.begin(), row.snap.recused.end());
      if (!ids.empty()) {
        auto facts = officers_->OnDate(c, ids, ctx->today, "officers");
        if (!facts) return facts.error();
        officer_facts = std::move(*facts);
      }
    }
    auto ev = c.Query(
        "SELECT se.step_id, e.id, e.file_name, e.content_type, e.stage, e.hash, e.size, "
        "e.captured_at FROM case_step_evidence se JOIN evidence e ON e.id = se.evidence_id "
        "WHERE se.case_id = $1 ORDER BY se.step_id, e.id",
        {id});
    if (!ev) return ev.error();
    for (const auto& x : ev->rows) {
      auto& arr = evidence_by_step[x.Int(0)];
      if (arr.is_null()) arr = json::array();
      arr.push_back({{"id", x.Int(1)},
                     {"file_name", x.Text(2)},
                     {"content_type", x.Text(3)},
                     {"stage", x.Text(4)},
                     {"hash", x.Text(5)},
                     {"size", x.Int(6)},
                     {"captured_at", x.Text(7)}});
    }
    auto sr =
        c.Query(std::string("SELECT s.id, s.kind, s.step_date, s.data, s.actor_id, u.display_name, "
                            "s.created_at, s.seq") +
                    kStepsOfCase + " ORDER BY s.id",
                {CaseTarget(id), id});
    if (!sr) return sr.error();
    for (const auto& x : sr->rows) {
      const std::string kind = x.Text(1);
      auto k = ParseStep(kind);
      json j = {{"id", x.Int(0)},
                {"step", kind},
                {"name_zh", k ? Info(*k).name_zh : "当场处罚决定"},
                {"name_en", k ? Info(*k).name_en : "on-the-spot decision"},
                {"date", x.Text(2)},
                {"data", json::parse(x.Text(3), nullptr, false)},
                {"actor_id", x.IsNull(4) ? json(nullptr) : json(x.Int(4))},
                {"actor_name", x.Text(5)},
                {"created_at", x.Text(6)},
                {"seq", x.Int(7)}};
      auto it = evidence_by_step.find(x.Int(0));
      j["evidence"] = it == evidence_by_step.end() ? json::array() : it->second;
      steps.push_back(std::move(j));
    }
    auto pub = c.Query(
        "SELECT kind, rule_id, decision_date, due_date, published_at FROM case_publications "
        "WHERE case_id = $1",
        {id});
    if (!pub) return pub.error();
    if (!pub->rows.empty()) {
      const auto& x = pub->rows[0];
      publication = {{"kind", x.Text(0)},
                     {"rule_id", x.Text(1)},
                     {"decision_date", x.Text(2)},
                     {"due_date", x.Text(3)},
                     {"published_at", x.IsNull(4) ? json(nullptr) : json(x.Text(4))}};
    }
    return core::Ok();
  });
  if (!st) return st.error();
  const CaseSnapshot& s = row.snap;
  // Parties: the ID number in full only for those who write or approve the case's documents.
  json party = {{"kind", row.party_kind},
                {"name", row.party_name},
                {"credit_code", row.party_code},
                {"address", row.party_address},
                {"representative", row.party_representative},
                {"subject", row.party_subject}};
  if (row.party_kind == "person") {
    if (SeesIdNumbers(p)) {
      auto plain = cipher_.Decrypt(row.party_id_cipher);
      if (!plain) return plain.error();
      party["id_number"] = *plain;
      party["id_number_masked"] = false;
    } else {
      party["id_number"] = row.party_id_masked;
      party["id_number_masked"] = true;
    }
  }
  json officers = json::array();
  json recused = json::array();
  if (officers_) {
    for (const auto& o : officer_facts) {
      json j = {{"id", o.id},
                {"name", o.name},
                {"cert_no", o.cert_no},
                {"unit_id", o.unit_id},
                {"credential_valid", o.credential_valid},
                {"expiring_soon", o.expiring_soon}};
      (std::find(s.recused.begin(), s.recused.end(), o.id) != s.recused.end() ? recused : officers)
          .push_back(j);
    }
  } else {
    for (int64_t x : s.officers) officers.push_back({{"id", x}});
    for (int64_t x : s.recused) recused.push_back({{"id", x}});
  }
  auto timers = Timers(s, *ctx);
  if (!timers) return timers.error();
  json timers_j = json::array();
  for (const auto& t : *timers) timers_j.push_back(t.ToJson());
  auto next = NextDue(*timers);
  json allowed = json::array();
  for (auto k : AllowedSteps(s)) {
    const StepInfo& info = Info(k);
    json fields = json::array();
    for (const auto& f : info.fields) {
      json fj = {{"name", f.name},
                 {"type", f.type},
                 {"required", f.required},
                 {"label_zh", f.label_zh},
                 {"label_en", f.label_en}};
      if (!f.values.empty()) {
        json vals = json::array();
        for (const char* v : f.values) vals.push_back(v);
        fj["values"] = vals;
      }
      fields.push_back(fj);
    }
    json a = {{"step", StepId(k)},
              {"name_zh", info.name_zh},
              {"name_en", info.name_en},
              {"permission", StepAuthorityId(info.authority)},
              {"can", p.Has(PermissionOf(info.authority))},
              {"article", info.article},
              {"evidence_stage", info.evidence_stage},
              {"evidence_target", CaseTarget(row.id)},
              {"fields", fields}};
    if (k == StepKind::kDecide) {
      json blockers = json::array();
      // In the investigation only a transfer can be decided (第27条); otherwise the proposal.
      const Outcome o = s.state == State::kInvestigation
                            ? Outcome::kTransfer
                            : s.proposed_outcome.value_or(Outcome::kPenalty);
      for (const auto& e : DecisionBlockers(s, o, *ctx)) {
        blockers.push_back({{"rule", e.rule},
                            {"article", e.article},
                            {"message_zh", e.message_zh},
                            {"message_en", e.message_en}});
      }
      a["blocked_by"] = blockers;
    }
    allowed.push_back(std::move(a));
  }
  json review_reasons = json::array();
  for (const auto& r : LegalReviewReasons(s, ctx->params)) review_reasons.push_back(r.ToJson());
  json triggers = json::array();
  for (const auto& r : HearingTriggers(IntendedPenalty(s), s.party_kind, ctx->params)) {
    triggers.push_back(r.ToJson());
  }
  const LimitationInfo lim = Limitation(s);
  json documents = json::array();
  for (const auto& stp : steps) {
    for (const auto& e : stp["evidence"]) {
      json d = e;
      d["step"] = stp["step"];
      d["step_id"] = stp["id"];
      documents.push_back(d);
    }
  }
  json snap = s.ToJson();
  return json{
      {"id", row.id},
      {"case_no", row.case_no},
      {"procedure", row.procedure},
      {"state", row.state},
      {"state_zh", StateZh(s.state)},
      {"state_en", StateEn(s.state)},
      {"unit", {{"id", row.unit_id}, {"name", row.unit_name}}},
      {"matter", {{"code", row.matter_code}, {"name", row.matter_name}, {"domain", row.domain}}},
      {"source", row.source},
      {"source_ref", row.source_ref},
      {"title", row.title},
      {"place", row.place},
      {"form_no", row.form_no.empty() ? json(nullptr) : json(row.form_no)},
      {"party", party},
      {"act_date", core::FormatDate(s.act_date)},
      {"act_end_date", DateText(s.act_end_date)},
      {"discovered_date", core::FormatDate(s.discovered_date)},
      {"safety_harm", s.safety_harm},
      {"limitation",
       {{"start", core::FormatDate(lim.start)},
        {"years", lim.years},
        {"last_day", core::FormatDate(lim.last_day)},
        {"article", Xzcf("第36条")}}},
      {"officers", officers},
      {"recused", recused},
      {"procedure_state", snap},
      {"facts", row.Facts()},
      {"discretion", row.Discretion()},
      {"hearing_triggers", triggers},
      {"legal_review",
       {{"status", ReviewStatusId(s.review)},
        {"round", s.review_round},
        {"required", !review_reasons.empty()},
        {"reasons", review_reasons}}},
      {"collective_discussion",
       {{"required", DiscussionRequired(s, ctx->params)}, {"done", s.discussed}}},
      {"non_coercive_steps", s.non_coercive_steps},
      {"timers", timers_j},
      {"next_due", next ? next->ToJson() : json(nullptr)},
      {"publication", publication},
      {"steps", steps},
      {"documents", documents},
      {"allowed_steps", allowed},
      {"version", row.version},
      {"created_at", row.created_at},
      {"updated_at", row.updated_at}};
}

Status CaseService::IndexTerms() {
  // 'case_terms_pending' (migration 0010): every term of every case; 'case_unigrams_pending'
  // (0011): the unigrams only, beside the bigrams already stored. In chunks of cases, each its
  // own transaction with many rows per INSERT (a million cases: ≈ 45 million rows); a chunk
  // written again after an interruption skips the rows it already holds.
  bool full = false;
  bool unigrams = false;
  ZHIFA_TRY(db_.Read([&](Conn& c) -> Status {
    auto r = c.Query(
        "SELECT name FROM counters WHERE name IN ('case_terms_pending', 'case_unigrams_pending')");
    if (!r) return r.error();
    for (const auto& x : r->rows) (x.Text(0) == "case_terms_pending" ? full : unigrams) = true;
    return core::Ok();
  }));
  if (!full && !unigrams) return core::Ok();
  if (full) {
    ZHIFA_TRY(db_.Write([&](Conn& c) -> Status {
      auto del = c.Exec("DELETE FROM case_terms");
      if (!del) return del.error();
      return core::Ok();
    }));
  }
  constexpr int kChunk = 5000;   // cases per transaction
  constexpr size_t kRows = 500;  // rows per INSERT
  int64_t after = std::numeric_limits<int64_t>::min();
  for (bool more = true; more;) {
    ZHIFA_TRY(db_.Write([&](Conn& c) -> Status {
      auto r = c.Query("SELECT id, title, party_name FROM cases WHERE id > $1 ORDER BY id LIMIT " +
                           std::to_string(kChunk),
                       {after});
      if (!r) return r.error();
      more = r->rows.size() == static_cast<size_t>(kChunk);
      std::vector<std::pair<std::string, int64_t>> rows;
      auto flush = [&]() -> Status {
        if (rows.empty()) return core::Ok();
        std::string sql = "INSERT INTO case_terms (term, case_id) VALUES ";
        Params params;
        params.reserve(rows.size() * 2);
        for (size_t i = 0; i < rows.size(); ++i) {
          params.emplace_back(std::move(rows[i].first));
          params.emplace_back(rows[i].second);
          sql += (i ? ", ($" : "($") + std::to_string(2 * i + 1) + ", $" +
                 std::to_string(2 * i + 2) + ")";
        }
        sql += " ON CONFLICT DO NOTHING";
        rows.clear();
        auto x = c.Exec(sql, params);
        if (!x) return x.error();
        return core::Ok();
      };
      for (const auto& x : r->rows) {
        after = x.Int(0);
        for (auto& t :
             full ? CaseTerms(x.Text(1), x.Text(2)) : CaseUnigrams(x.Text(1), x.Text(2))) {
          rows.emplace_back(std::move(t), after);
          if (rows.size() == kRows) ZHIFA_TRY(flush());
        }
      }
      return flush();
    }));
  }
  return db_.Write([&](Conn& c) -> Status {
    auto d = c.Exec(
        "DELETE FROM counters WHERE name IN ('case_terms_pending', 'case_unigrams_pending')");
    if (!d) return d.error();
    return core::Ok();
  });
}

Result<json> CaseService::List(const org::Principal& p, const CaseQuery& q) {
  const Date today = Today();
  for (const auto& s : q.states) {
    if (!ParseState(s)) {
      return Err(ErrorCode::kInvalidArgument, "未知的案件状态: " + s, "unknown state: " + s,
                 "state");
    }
  }
  if (!q.procedure.empty() && !ParseProcedure(q.procedure)) {
    return Err(ErrorCode::kInvalidArgument, "procedure 应为 ordinary 或 simplified",
               "procedure must be ordinary or simplified", "procedure");
  }
  std::string soon_until_s;
  if (q.due == "soon") {
    if (!calendar_) return Err(ErrorCode::kUnavailable, "工作日历不可用", "calendar unavailable");
    auto until = calendar_->Current()->AddWorkingDays(today, params_.due_soon_working_days);
    if (!until) return until.error();
    soon_until_s = core::FormatDate(until->value);
  } else if (!q.due.empty() && q.due != "overdue") {
    return Err(ErrorCode::kInvalidArgument, "due 应为 soon 或 overdue",
               "due must be soon or overdue", "due");
  }
  if (q.sort != "-id" && q.sort != "id" && q.sort != "due_date") {
    return Err(ErrorCode::kInvalidArgument, "sort 应为 -id、id 或 due_date",
               "sort must be -id, id or due_date", "sort");
  }
  // An identifier (case or form number, 统一社会信用代码, 身份证号) is looked up exactly through
  // indexes; other text matches fragments of the party name and the title (below).
  const std::string code = core::NormalizeCode(q.q);
  const bool identifier =
      code.size() >= 8 && code.size() <= 40 &&
      std::all_of(
          code.begin(), code.end(),
          [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-'; }) &&
      std::any_of(code.begin(), code.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  std::string person_subject;
  if (identifier && code.size() == 18 && person_key_ && core::ValidateIdNumber(code, today, "q")) {
    person_subject = person_key_->Target(code);
  }
  // Other text: the candidates come from the search index (case_terms, case_search.h): the
  // cases under the query's rarest term, narrowed by its other terms, confirmed by LIKE on title
  // and party name unless the term is the query itself (one or two characters). A query without
  // a term (only punctuation or spaces) is a LIKE scan.
  std::string like = q.q;
  for (char& ch : like) {
    if (ch == '%' || ch == '_') ch = ' ';
  }
  std::vector<std::string> terms;  // rarest first
  bool exact_term = false;
  bool no_match = false;
  if (!identifier && !q.q.empty()) {
    const auto parsed = SearchQueryTerms(like);
    exact_term = parsed.exact;
    constexpr int64_t kTermCap = 20000;  // postings counted per term, at most
    std::vector<std::pair<int64_t, std::string>> counted;
    auto st = db_.Read([&](Conn& c) -> Status {
      for (const auto& t : parsed.terms) {
        auto n = c.Query("SELECT count(*) FROM (SELECT 1 FROM case_terms WHERE term = $1 LIMIT " +
                             std::to_string(kTermCap) + ") n",
                         {t});
        if (!n) return n.error();
        counted.emplace_back(n->rows.at(0).Int(0), t);
        if (counted.back().first == 0) break;
      }
      return core::Ok();
    });
    if (!st) return st.error();
    std::stable_sort(counted.begin(), counted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    // The rarest few narrow enough; more probes per candidate cost more than they save.
    constexpr size_t kTermsUsed = 3;
    for (size_t i = 0; i < counted.size() && i < kTermsUsed; ++i)
      terms.push_back(counted[i].second);
    // A term no case has: nothing can match. Said as a constant-false condition, not left to the
    // plan — PostgreSQL's generic plan for the term join scanned cases with LIKE (70–90 ms).
    no_match = !counted.empty() && counted.front().first == 0;
  }
  // The filters as SQL. `scan` writes each filter column hidden from the indexes (Col: +column on
  // SQLite, column + 0 / column || '' on PostgreSQL): the database then cannot drive the query
  // from that column's index and walks the primary key in id order, stopping after one page —
  // the fast plan when the filters match many rows (measured, bench/README.md "Cases").
  // The officer filter, or else the rarest search term, is a join ("the driver"): its index
  // (officer_id, case_id) / (term, case_id) yields the cases in id order, so a page is read along
  // it and stops early, and the count reads its index rows without collecting them first.
  struct Sql {
    std::string joins;  // after "FROM cases c"
    // The driver's own rows (officer or term), for a count that needs nothing of the case row:
    // each (case, officer) and (term, case) pair is one row and names an existing case (keys).
    std::string driver_rows;  // "case_officers co WHERE co.officer_id = $n"
    std::string where;
    bool scope_only = false;        // `where` is the caller's scope alone
    std::string order_id = "c.id";  // the id column that orders the page
  };
  const bool id_sort = q.sort == "-id" || q.sort == "id";
  auto build = [&](bool scan, Params& params) {
    const Hide hide =
        !scan ? Hide::kNo
              : (db_.dialect() == store::Dialect::kSqlite ? Hide::kSqlite : Hide::kPostgres);
    auto col = [&](const char* column, bool text) { return Col(column, text, hide); };
    Sql out;
    std::string& where = out.where;
    where = CaseScope(p, params, hide);
    const size_t scope_only = where.size();
    if (no_match) where += " AND 1 = 0";
    auto bind = [&](store::Value v) {
      params.push_back(std::move(v));
      return "$" + std::to_string(params.size());
    };
    if (q.officer_id) {
      const std::string cond = "co.officer_id = " + bind(*q.officer_id);
      out.joins = " JOIN case_officers co ON co.case_id = c.id AND " + cond;
      out.driver_rows = "case_officers co WHERE " + cond;
      if (id_sort) out.order_id = "co.case_id";
    }
    if (q.unit_id) {
      where += " AND " + col("c.unit_id", false) +
               " IN (SELECT descendant_id FROM unit_closure WHERE " +
               "ancestor_id = " + bind(*q.unit_id) + ")";
    }
    if (!q.matter.empty()) where += " AND " + col("c.matter_code", true) + " = " + bind(q.matter);
    if (!q.states.empty()) {
      std::string in;
      for (const auto& s : q.states) in += (in.empty() ? "" : ", ") + bind(s);
      where += " AND " + col("c.state", true) + " IN (" + in + ")";
    }
    if (!q.domain.empty()) where += " AND " + col("c.domain", true) + " = " + bind(q.domain);
    if (!q.procedure.empty())
      where += " AND " + col("c.procedure_kind", true) + " = " + bind(q.procedure);
    if (q.due == "overdue") {
      where += " AND " + col("c.due_date", true) + " < " + bind(core::FormatDate(today));
    } else if (q.due == "soon") {
      where += " AND " + col("c.due_date", true) + " >= " + bind(core::FormatDate(today)) +
               " AND " + col("c.due_date", true) + " <= " + bind(soon_until_s);
    }
    if (identifier) {
      const std::string exact = bind(code);
      where += " AND (c.case_no = " + exact + " OR c.form_no = " + exact +
               " OR c.party_subject = " + bind(record::EnterpriseTarget(code));
      if (!person_subject.empty()) where += " OR c.party_subject = " + bind(person_subject);
      where += ")";
    } else if (!terms.empty()) {
      for (size_t i = 0; i < terms.size(); ++i) {
        if (i == 0 && out.joins.empty()) {
          const std::string cond = "t.term = " + bind(terms[0]);
          out.joins = " JOIN case_terms t ON t.case_id = c.id AND " + cond;
          out.driver_rows = "case_terms t WHERE " + cond;
          if (id_sort) out.order_id = "t.case_id";
        } else {
          where += " AND EXISTS (SELECT 1 FROM case_terms t" + std::to_string(i) + " WHERE t" +
                   std::to_string(i) + ".term = " + bind(terms[i]) + " AND t" + std::to_string(i) +
                   ".case_id = c.id)";
        }
      }
      if (!exact_term) {
        const std::string contains = bind("%" + like + "%");
        where += " AND (c.party_name LIKE " + contains + " OR c.title LIKE " + contains + ")";
      }
    } else if (!q.q.empty()) {
      const std::string exact = bind(q.q);
      const std::string contains = bind("%" + like + "%");
      where += " AND (c.case_no = " + exact + " OR c.party_code = " + exact +
               " OR c.form_no = " + exact + " OR c.party_name LIKE " + contains +
               " OR c.title LIKE " + contains + ")";
    }
    if (q.sort == "-id") {
      if (q.after) where += " AND " + out.order_id + " < " + bind(*q.after);
    } else if (q.sort == "id") {
      if (q.after) where += " AND " + out.order_id + " > " + bind(*q.after);
    } else {
      where += " AND c.due_date IS NOT NULL";
    }
    out.scope_only = where.size() == scope_only;
    return out;
  };
  auto order = [&](const Sql& x) {
    return q.sort == "-id" ? x.order_id + " DESC"
                           : (q.sort == "id" ? x.order_id : std::string("c.due_date, c.id"));
  };
  // The total is counted up to a cap so a city-wide list stays fast (documented in api.md); a
  // text search that confirms each candidate by LIKE on its row reads a case row per counted case
  // (≈ 5 µs each on PostgreSQL at 1 M: 48 ms for a fragment most organisations' names share), so it
  // counts up to a lower cap (CaseParams).
  const bool confirmed = !identifier && !q.q.empty() && !exact_term && !no_match;
  const int64_t count_cap = confirmed
                                ? std::min(params_.list_search_count_cap, params_.list_count_cap)
                                : params_.list_count_cap;
  Params count_params;
  const Sql counted = build(false, count_params);
  // With no condition on the case row (the whole city's scope, only the officer or one search
  // term) the driver's index alone is counted: on PostgreSQL the join visited a case per row up
  // to the cap (55–75 ms at 714 k cases).
  // Likewise an "own" scope and nothing else counts the own set as it is (its ids name existing
  // cases), not joined back to cases — on PostgreSQL at 1 M that join visited a case per id up
  // to the cap (an officer on 31,793 cases: 59 ms, bench/README.md).
  const bool driver_only = !counted.driver_rows.empty() && p.scope.all && counted.scope_only;
  const bool own_only = OwnOnly(p) && counted.joins.empty() && counted.scope_only;
  std::string counted_rows;  // what the count reads
  if (own_only) {
    count_params.clear();  // the own set's user is its one parameter
    counted_rows = OwnCases(*p.scope.own_user, count_params);
  } else {
    counted_rows =
        "SELECT 1 FROM " +
        (driver_only ? counted.driver_rows : "cases c" + counted.joins + " WHERE " + counted.where);
  }
  const std::string count_sql =
      "SELECT count(*) FROM (" + counted_rows + " LIMIT " + std::to_string(count_cap + 1) + ") n";
  // The page: by the filters' indexes (then sorted), or — when the filters match more than the
  // cap and the page is near the start (or keyset) — along the primary key (or the driver's
  // index).
  const int64_t offset = static_cast<int64_t>(std::max(q.page, 1) - 1) * q.page_size;
  auto page_sql = [&](bool scan, Params& params) {
    const Sql x = build(scan, params);
    std::string sql =
        "SELECT c.id, c.case_no, c.procedure_kind, c.state, c.unit_id, u.name, c.matter_code, "
        "c.matter_name, c.domain, c.title, c.party_kind, c.party_name, c.act_date, c.filed_date, "
        "c.decided_date, c.outcome, c.fine, c.due_date, c.due_timer, c.legal_review, c.version, "
        "c.created_at FROM cases c JOIN units u ON u.id = c.unit_id" +
        x.joins + " WHERE " + x.where + " ORDER BY " + order(x);
    if (q.after) {
      params.emplace_back(int64_t{q.page_size});
      sql += " LIMIT $" + std::to_string(params.size());
    } else {
      store::AddPage(sql, params, q.page, q.page_size);
    }
    return sql;
  };
  const bool can_scan = q.sort != "due_date" && (q.after || offset + q.page_size <= 2000);
  json items = json::array();
  int64_t total = 0;
  const int soon = params_.due_soon_working_days;
  std::string soon_until;
  if (calendar_) {
    auto until = calendar_->Current()->AddWorkingDays(today, soon);
    if (until) soon_until = core::FormatDate(until->value);
  }
  const std::string today_s = core::FormatDate(today);
  auto st = db_.Read([&](Conn& c) -> Status {
    auto n = c.Query(count_sql, count_params);
    if (!n) return n.error();
    total = n->rows.at(0).Int(0);
    Params params;
    const std::string sql = page_sql(can_scan && total > count_cap, params);
    auto r = c.Query(sql, params);
    if (!r) return r.error();
    for (const auto& x : r->rows) {
      json due = nullptr;
      if (!x.IsNull(17)) {
        const std::string d = x.Text(17);
        const char* status = d < today_s ? "overdue" : (d <= soon_until ? "due_soon" : "running");
        due = {{"date", d}, {"timer", x.Text(18)}, {"status", status}};
      }
      auto state = ParseState(x.Text(3));
      items.push_back({{"id", x.Int(0)},
                       {"case_no", x.Text(1)},
                       {"procedure", x.Text(2)},
                       {"state", x.Text(3)},
                       {"state_zh", state ? StateZh(*state) : ""},
                       {"unit_id", x.Int(4)},
                       {"unit_name", x.Text(5)},
                       {"matter_code", x.Text(6)},
                       {"matter_name", x.Text(7)},
                       {"domain", x.Text(8)},
                       {"title", x.Text(9)},
                       {"party_kind", x.Text(10)},
                       {"party_name", x.Text(11)},
                       {"act_date", x.Text(12)},
                       {"filed_date", x.IsNull(13) ? json(nullptr) : json(x.Text(13))},
                       {"decided_date", x.IsNull(14) ? json(nullptr) : json(x.Text(14))},
                       {"outcome", x.IsNull(15) ? json(nullptr) : json(x.Text(15))},
                       {"fine", x.Int(16)},
                       {"due", due},
                       {"legal_review", x.Text(19)},
                       {"version", x.Int(20)},
                       {"created_at", x.Text(21)}});
    }
    return core::Ok();
  });
  if (!st) return st.error();
  json out = org::PageJson(std::move(items), std::min(total, count_cap), q.page, q.page_size);
  out["total_capped"] = total > count_cap;
  if (!out["items"].empty() && (q.sort == "-id" || q.sort == "id")) {
    out["next_after"] = out["items"].back()["id"];
  } else {
    out["next_after"] = nullptr;
  }
  return out;
}

Result<json> CaseService::Reviews(const org::Principal& p, const std::string& status, int page,
                                  int page_size) {
  const std::string s = status.empty() ? "pending" : status;
  if (s != "pending" && s != "agree" && s != "amend" && s != "disagree") {
    return Err(ErrorCode::kInvalidArgument, "status 应为 pending、agree、amend 或 disagree",
               "status must be pending, agree, amend or disagree", "status");
  }
  Params params{s};
  std::string where = "c.legal_review = $1 AND " + CaseScope(p, params);
  std::string sql =
      "SELECT c.id, c.case_no, c.state, c.unit_id, u.name, c.matter_code, c.matter_name, "
      "c.title, c.party_name, c.fine, c.due_date, c.version, c.updated_at FROM cases c JOIN "
      "units u ON u.id = c.unit_id WHERE " +
      where + " ORDER BY c.updated_seq, c.id";
  Params count_params = params;
  store::AddPage(sql, params, page, page_size);
  json items = json::array();
  int64_t total = 0;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query(sql, params);
    if (!r) return r.error();
    for (const auto& x : r->rows) {
      items.push_back({{"id", x.Int(0)},
                       {"case_no", x.Text(1)},
                       {"state", x.Text(2)},
                       {"unit_id", x.Int(3)},
                       {"unit_name", x.Text(4)},
                       {"matter_code", x.Text(5)},
                       {"matter_name", x.Text(6)},
                       {"title", x.Text(7)},
                       {"party_name", x.Text(8)},
                       {"fine", x.Int(9)},
                       {"due_date", x.IsNull(10) ? json(nullptr) : json(x.Text(10))},
                       {"version", x.Int(11)},
                       {"submitted_at", x.Text(12)}});
    }
    auto n = c.Query("SELECT count(*) FROM cases c WHERE " + where, count_params);
    if (!n) return n.error();
    total = n->rows.at(0).Int(0);
    return core::Ok();
  });
  if (!st) return st.error();
  return org::PageJson(std::move(items), total, page, page_size);
}

Result<json> CaseService::ReviewReport(const org::Principal& p, int64_t id) {
  json out = {{"case_id", id}, {"report", nullptr}, {"opinions", json::array()}};
  auto st = db_.Read([&](Conn& c) -> Status {
    auto row = Load(c, &p, id);
    if (!row) return row.error();
    out["case_no"] = row->case_no;
    out["status"] = ReviewStatusId(row->snap.review);
    out["round"] = row->snap.review_round;
    auto r = c.Query(
        std::string("SELECT s.id, s.kind, s.step_date, s.data, u.display_name") + kStepsOfCase +
            " AND s.kind IN ('submit_review', 'review_opinion', 'amend') ORDER BY s.id",
        {CaseTarget(id), id});
    if (!r) return r.error();
    int round = 0;
    for (const auto& x : r->rows) {
      json data = json::parse(x.Text(3), nullptr, false);
      if (x.Text(1) == "submit_review") {
        ++round;
        out["report"] = data.value("report", json(nullptr));
        out["report"]["submitted"] = {{"step_id", x.Int(0)},
                                      {"date", x.Text(2)},
                                      {"by", x.Text(4)},
                                      {"round", round},
                                      {"note", data.value("note", "")}};
      } else {
        out["opinions"].push_back({{"step_id", x.Int(0)},
                                   {"step", x.Text(1)},
                                   {"date", x.Text(2)},
                                   {"by", x.Text(4)},
                                   {"round", round},
                                   {"data", data}});
      }
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

json CaseMetaJson(const CaseParams& params) {
  json states = json::array();
  for (auto s : AllStates())
    states.push_back({{"id", StateId(s)}, {"zh", StateZh(s)}, {"en", StateEn(s)}});
  json steps = json::array();
  for (auto k : AllSteps()) {
    const auto& i = Info(k);
    steps.push_back({{"step", StepId(k)},
                     {"name_zh", i.name_zh},
                     {"name_en", i.name_en},
                     {"permission", StepAuthorityId(i.authority)},
                     {"article", i.article},
                     {"evidence_stage", i.evidence_stage}});
  }
  json sources = json::array();
  for (auto s : {Source::kInspection, Source::kComplaint, Source::kHotline, Source::kReferral,
                 Source::kDiscovered}) {
    sources.push_back({{"id", SourceId(s)}, {"zh", SourceZh(s)}});
  }
  json means = json::array();
  for (auto m : {NonCoerciveMeans::kPersuasion, NonCoerciveMeans::kDemonstration,
                 NonCoerciveMeans::kWarning, NonCoerciveMeans::kInterview}) {
    means.push_back({{"id", NonCoerciveMeansId(m)}, {"zh", NonCoerciveMeansZh(m)}});
  }
  return {{"states", states},
          {"steps", steps},
          {"sources", sources},
          {"non_coercive_means", means},
          {"simplified_limits",
           {{"person_fen", kSimplifiedMaxFinePerson},
            {"organisation_fen", kSimplifiedMaxFineOrganisation},
            {"article", Xzcf("第51条")}}},
          {"params",
           {{"hearing_fine_person_fen", params.hearing_fine_person},
            {"hearing_fine_organisation_fen", params.hearing_fine_organisation},
            {"hearing_confiscation_person_fen", params.hearing_confiscation_person},
            {"hearing_confiscation_organisation_fen", params.hearing_confiscation_organisation},
            {"decision_extension_max_days", params.decision_extension_max_days},
            {"legal_review_all_penalties", params.legal_review_all_penalties},
            {"discussion_when_hearing_triggered", params.discussion_when_hearing_triggered},
            {"due_soon_working_days", params.due_soon_working_days}}}};
}

}  // namespace zhifa::cases
