#include "catalogue/catalogue_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "catalogue/catalogue_rules.h"
#include "core/csv.h"
#include "core/utf8.h"
#include "core/xlsx.h"
#include "org/org_service.h"

namespace zhifa::catalogue {

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

Error MatterNotFound(std::string_view code) {
  return Err(ErrorCode::kNotFound, "执法事项不存在：" + std::string(code),
             "no such enforcement matter: " + std::string(code), "matter");
}

Error Stale() {
  return Err(ErrorCode::kConflict, "数据已被他人修改，请刷新后重试",
             "the record was changed by someone else; reload and try again", "version");
}

Date Today(int64_t now_micros) { return core::DateFromUnixMicros(now_micros); }

record::Actor ActorFor(const org::Principal& p) {
  record::Actor a;
  if (p.user_id != 0) a.user_id = p.user_id;
  if (p.unit_id != 0) a.unit_id = p.unit_id;
  return a;
}

const char* BasisId(FineRange::Basis b) {
  switch (b) {
    case FineRange::Basis::kFixed:
      return "fixed";
    case FineRange::Basis::kMultipleOfGains:
      return "gains";
    case FineRange::Basis::kMultipleOfValue:
      return "value";
  }
  return "fixed";
}

FineRange::Basis ParseBasis(const std::string& s) {
  if (s == "gains") return FineRange::Basis::kMultipleOfGains;
  if (s == "value") return FineRange::Basis::kMultipleOfValue;
  return FineRange::Basis::kFixed;
}

std::string KindsText(const std::vector<PenaltyKind>& kinds) {
  std::string s;
  for (auto k : kinds) s += (s.empty() ? "" : ",") + std::string(PenaltyKindId(k));
  return s;
}

std::vector<PenaltyKind> ParseKinds(const std::string& s) {
  std::vector<PenaltyKind> out;
  size_t b = 0;
  while (b < s.size()) {
    size_t e = s.find(',', b);
    if (e == std::string::npos) e = s.size();
    if (auto k = ParsePenaltyKind(s.substr(b, e - b))) out.push_back(*k);
    b = e + 1;
  }
  return out;
}

store::Value Opt(const std::optional<int64_t>& v) {
  if (v) return *v;
  return store::Null{};
}

// Appends the seven fine columns' values.
void FineParams(Params& ps, const std::optional<FineRange>& f) {
  if (!f) {
    for (int i = 0; i < 7; ++i) ps.emplace_back(store::Null{});
    return;
  }
  ps.emplace_back(std::string(BasisId(f->basis)));
  ps.push_back(Opt(f->min));
  ps.push_back(Opt(f->max));
  ps.push_back(Opt(f->min_permille));
  ps.push_back(Opt(f->max_permille));
  ps.push_back(Opt(f->fallback_min));
  ps.push_back(Opt(f->fallback_max));
}

std::optional<FineRange> FineFromRow(const Row& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  FineRange f;
  f.basis = ParseBasis(r.Text(i));
  f.min = r.OptInt(i + 1);
  f.max = r.OptInt(i + 2);
  f.min_permille = r.OptInt(i + 3);
  f.max_permille = r.OptInt(i + 4);
  f.fallback_min = r.OptInt(i + 5);
  f.fallback_max = r.OptInt(i + 6);
  return f;
}

constexpr const char* kVersionCols =
    "v.id, m.code, m.sample, v.effective_from, v.effective_to, v.name, v.type, v.domain, "
    "v.violated_provision, v.penalty_provision, v.range_text, v.range_kinds, v.fine_basis, "
    "v.fine_min, v.fine_max, v.fine_min_permille, v.fine_max_permille, v.fine_fallback_min, "
    "v.fine_fallback_max, v.major_review, v.transfer_threshold, m.id, m.version";

struct VersionRow {
  int64_t version_id = 0;
  int64_t matter_id = 0;
  int64_t lock = 0;
  MatterRules rules;
};

VersionRow VersionFromRow(const Row& r) {
  VersionRow v;
  v.version_id = r.Int(0);
  auto& m = v.rules;
  m.code = r.Text(1);
  m.sample = r.Int(2) != 0;
  m.effective_from = *core::ParseDate(r.Text(3));
  if (!r.IsNull(4)) m.effective_to = *core::ParseDate(r.Text(4));
  m.name = r.Text(5);
  m.type = ParseMatterType(r.Text(6)).value_or(MatterType::kOther);
  m.domain = r.Text(7);
  m.violated_provision = r.Text(8);
  m.penalty_provision = r.Text(9);
  m.range.text = r.Text(10);
  m.range.kinds = ParseKinds(r.Text(11));
  m.range.fine = FineFromRow(r, 12);
  m.major_review = r.Int(19) != 0;
  m.transfer_threshold = r.Text(20);
  v.matter_id = r.Int(21);
  v.lock = r.Int(22);
  return v;
}

// The tier columns in the order TierFromRow reads them (alias "t." for joins).
constexpr std::string_view kTierColumns =
    "t.ordinal, t.name, t.band, t.conditions_text, t.condition_json, t.standard_text, t.kinds, "
    "t.fine_basis, t.fine_min, t.fine_max, t.fine_min_permille, t.fine_max_permille, "
    "t.fine_fallback_min, t.fine_fallback_max, t.source, t.note";

// A tier from the kTierColumns starting at column `at` of `row`.
Tier TierFromRow(const store::Row& row, size_t at) {
  Tier t;
  t.ordinal = static_cast<int>(row.Int(at));
  t.name = row.Text(at + 1);
  if (!row.IsNull(at + 2)) t.band = ParseBand(row.Text(at + 2));
  t.conditions_text = row.Text(at + 3);
  t.condition_json = row.Text(at + 4);
  t.standard_text = row.Text(at + 5);
  t.kinds = ParseKinds(row.Text(at + 6));
  t.fine = FineFromRow(row, at + 7);
  t.source = row.Text(at + 14);
  t.note = row.Text(at + 15);
  return t;
}

Status LoadTiers(Conn& c, int64_t version_id, std::vector<Tier>& out) {
  auto r = c.Query("SELECT " + std::string(kTierColumns) +
                       " FROM catalogue_tiers t WHERE t.version_id = $1 ORDER BY t.ordinal",
                   {version_id});
  if (!r) return r.error();
  out.clear();
  for (const auto& row : r->rows) out.push_back(TierFromRow(row, 0));
  return core::Ok();
}

Result<std::vector<Holding>> LoadHoldings(Conn& c, int64_t matter_id) {
  auto r = c.Query(
      "SELECT id, unit_id, start_date, end_date FROM catalogue_holdings WHERE matter_id = $1 "
      "ORDER BY start_date, id",
      {matter_id});
  if (!r) return r.error();
  std::vector<Holding> out;
  for (const auto& row : r->rows) {
    Holding h;
    h.id = row.Int(0);
    h.unit_id = row.Int(1);
    h.start = *core::ParseDate(row.Text(2));
    if (!row.IsNull(3)) h.end = *core::ParseDate(row.Text(3));
    out.push_back(h);
  }
  return out;
}

// The version of matter `code` in force on `on` (nullopt when none).
Result<std::optional<VersionRow>> LoadAt(Conn& c, std::string_view code, Date on) {
  auto r = c.Query(std::string("SELECT ") + kVersionCols +
                       " FROM catalogue_versions v JOIN catalogue_matters m ON m.id = v.matter_id "
                       "WHERE m.code = $1 AND v.effective_from <= $2 "
                       "ORDER BY v.effective_from DESC LIMIT 1",
                   {std::string(code), core::FormatDate(on)});
  if (!r) return r.error();
  if (r->rows.empty()) return std::optional<VersionRow>();
  VersionRow v = VersionFromRow(r->rows[0]);
  ZHIFA_TRY(LoadTiers(c, v.version_id, v.rules.tiers));
  auto hs = LoadHoldings(c, v.matter_id);
  if (!hs) return hs.error();
  v.rules.holder_unit_ids = HoldersOn(*hs, on);
  return std::optional<VersionRow>(std::move(v));
}

struct MatterHead {
  int64_t id = 0;
  int64_t lock = 0;
  bool sample = false;
};

Result<std::optional<MatterHead>> FindMatter(Conn& c, std::string_view code) {
  auto r = c.Query("SELECT id, version, sample FROM catalogue_matters WHERE code = $1",
                   {std::string(code)});
  if (!r) return r.error();
  if (r->rows.empty()) return std::optional<MatterHead>();
  return std::optional<MatterHead>(
      MatterHead{r->rows[0].Int(0), r->rows[0].Int(1), r->rows[0].Int(2) != 0});
}

// Whether unit `unit_id` lies in the caller's data scope (or is the caller's own unit).
Result<bool> UnitInScope(Conn& c, const org::Principal& p, int64_t unit_id) {
  Params ps{unit_id};
  std::string pred = org::ScopePredicate(p.scope, "u.id", "", ps);
  ps.emplace_back(p.unit_id);
  auto r = c.Query("SELECT u.id FROM units u WHERE u.id = $1 AND (" + pred + " OR u.id = $" +
                       std::to_string(ps.size()) + ")",
                   ps);
  if (!r) return r.error();
  return !r->rows.empty();
}

// Whether the matter is held on `on` by a unit in the caller's scope.
Result<bool> MatterInScope(Conn& c, const org::Principal& p, int64_t matter_id, Date on) {
  auto hs = LoadHoldings(c, matter_id);
  if (!hs) return hs.error();
  for (int64_t u : HoldersOn(*hs, on)) {
    auto in = UnitInScope(c, p, u);
    if (!in) return in.error();
    if (*in) return true;
  }
  return false;
}

Status InsertVersion(record::CommandTx& tx, int64_t matter_id, const MatterRules& m,
                     int64_t seq_hint, int64_t& version_id) {
  auto id = tx.NewId();
  if (!id) return id.error();
  version_id = *id;
  Params ps{*id,
            matter_id,
            core::FormatDate(m.effective_from),
            m.name,
            std::string(MatterTypeId(m.type)),
            m.domain,
            m.violated_provision,
            m.penalty_provision,
            m.range.text,
            KindsText(m.range.kinds)};
  FineParams(ps, m.range.fine);
  ps.emplace_back(int64_t{m.major_review ? 1 : 0});
  ps.emplace_back(m.transfer_threshold);
  ps.emplace_back(seq_hint);
  auto ins = tx.conn().Exec(
      "INSERT INTO catalogue_versions (id, matter_id, effective_from, name, type, domain, "
      "violated_provision, penalty_provision, range_text, range_kinds, fine_basis, fine_min, "
      "fine_max, fine_min_permille, fine_max_permille, fine_fallback_min, fine_fallback_max, "
      "major_review, transfer_threshold, created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
      "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
      ps);
  if (!ins) return ins.error();
  for (const auto& t : m.tiers) {
    Params tp{*id,
              int64_t{t.ordinal},
              t.name,
              t.band ? store::Value(std::string(BandId(*t.band))) : store::Value(store::Null{}),
              t.conditions_text,
              t.condition_json,
              t.standard_text,
              KindsText(t.kinds)};
    FineParams(tp, t.fine);
    tp.emplace_back(t.source);
    tp.emplace_back(t.note);
    auto ti = tx.conn().Exec(
        "INSERT INTO catalogue_tiers (version_id, ordinal, name, band, conditions_text, "
        "condition_json, standard_text, kinds, fine_basis, fine_min, fine_max, fine_min_permille, "
        "fine_max_permille, fine_fallback_min, fine_fallback_max, source, note) VALUES ($1, $2, "
        "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        tp);
    if (!ti) return ti.error();
  }
  return core::Ok();
}

// Numbers tiers 1..n and derives their kinds, fine and band from the published text.
Status Normalise(MatterRules& m) {
  if (!m.range.text.empty()) {
    auto p = ParseStandard(m.range.text, "range_text");
    if (!p) return p.error();
    m.range.kinds = p->kinds;
    m.range.fine = p->fine;
  } else {
    m.range.kinds.clear();
    m.range.fine.reset();
  }
  for (size_t i = 0; i < m.tiers.size(); ++i) {
    Tier& t = m.tiers[i];
    t.ordinal = static_cast<int>(i) + 1;
    auto p = ParseStandard(t.standard_text, "tiers[" + std::to_string(i) + "].standard_text");
    if (!p) return p.error();
    t.kinds = p->kinds;
    t.fine = p->fine;
    if (!t.band) t.band = BandForTierName(t.name);
    if (!t.band && p->no_penalty) t.band = Band::kNoPenalty;
  }
  return CheckMatter(m);
}

json VersionEventPayload(const MatterRules& m, int64_t version_id) {
  return {{"code", m.code},
          {"name", m.name},
          {"effective_from", core::FormatDate(m.effective_from)},
          {"version_id", version_id},
          {"tiers", m.tiers.size()},
          {"range", m.range.text}};
}

// Ends the previous open version the day before `from`.
Status CloseOpenVersion(Conn& c, int64_t matter_id, Date from) {
  Date last = core::CivilFromDays(core::DaysFromCivil(from) - 1);
  auto r = c.Exec(
      "UPDATE catalogue_versions SET effective_to = $1 WHERE matter_id = $2 AND effective_to IS "
      "NULL",
      {core::FormatDate(last), matter_id});
  if (!r) return r.error();
  return core::Ok();
}

Result<std::vector<Date>> VersionDates(Conn& c, int64_t matter_id) {
  auto r =
      c.Query("SELECT effective_from FROM catalogue_versions WHERE matter_id = $1", {matter_id});
  if (!r) return r.error();
  std::vector<Date> out;
  for (const auto& row : r->rows) out.push_back(*core::ParseDate(row.Text(0)));
  return out;
}

Status InsertHolding(record::CommandTx& tx, int64_t matter_id, int64_t unit_id, Date start,
                     int64_t seq_hint) {
  auto id = tx.NewId();
  if (!id) return id.error();
  auto r = tx.conn().Exec(
      "INSERT INTO catalogue_holdings (id, matter_id, unit_id, start_date, created_seq) VALUES "
      "($1, $2, $3, $4, $5)",
      {*id, matter_id, unit_id, core::FormatDate(start), seq_hint});
  if (!r) return r.error();
  return core::Ok();
}

Status BumpMatter(Conn& c, int64_t matter_id, int64_t seq_hint) {
  auto r =
      c.Exec("UPDATE catalogue_matters SET version = version + 1, updated_seq = $1 WHERE id = $2",
             {seq_hint, matter_id});
  if (!r) return r.error();
  return core::Ok();
}

Result<std::map<int64_t, std::string>> UnitNames(Conn& c, const std::vector<int64_t>& ids) {
  std::map<int64_t, std::string> out;
  if (ids.empty()) return out;
  Params ps;
  std::string ph = store::Placeholders(ps, ids);
  auto r = c.Query("SELECT id, name FROM units WHERE id IN (" + ph + ")", ps);
  if (!r) return r.error();
  for (const auto& row : r->rows) out[row.Int(0)] = row.Text(1);
  return out;
}

}  // namespace

json FineJson(const FineRange& f) {
  auto opt = [](const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); };
  return {{"basis", BasisId(f.basis)},
          {"min", opt(f.min)},
          {"max", opt(f.max)},
          {"min_permille", opt(f.min_permille)},
          {"max_permille", opt(f.max_permille)},
          {"fallback_min", opt(f.fallback_min)},
          {"fallback_max", opt(f.fallback_max)},
          {"text", FormatFine(f)}};
}

namespace {
json KindsJson(const std::vector<PenaltyKind>& kinds) {
  json a = json::array();
  for (auto k : kinds) a.push_back({{"id", PenaltyKindId(k)}, {"zh", PenaltyKindZh(k)}});
  return a;
}
}  // namespace

json MatterRulesJson(const MatterRules& m) {
  json tiers = json::array();
  for (const auto& t : m.tiers) {
    tiers.push_back({{"ordinal", t.ordinal},
                     {"name", t.name},
                     {"band", t.band ? json(BandId(*t.band)) : json(nullptr)},
                     {"conditions_text", t.conditions_text},
                     {"condition_json", t.condition_json},
                     {"standard_text", t.standard_text},
                     {"kinds", KindsJson(t.kinds)},
                     {"fine", t.fine ? FineJson(*t.fine) : json(nullptr)},
                     {"source", t.source},
                     {"note", t.note}});
  }
  return {
      {"code", m.code},
      {"name", m.name},
      {"type", MatterTypeId(m.type)},
      {"type_zh", MatterTypeZh(m.type)},
      {"domain", m.domain},
      {"domain_zh", DomainZh(m.domain)},
      {"violated_provision", m.violated_provision},
      {"penalty_provision", m.penalty_provision},
      {"range",
       {{"text", m.range.text},
        {"kinds", KindsJson(m.range.kinds)},
        {"fine", m.range.fine ? FineJson(*m.range.fine) : json(nullptr)}}},
      {"major_review", m.major_review},
      {"transfer_threshold", m.transfer_threshold},
      {"effective_from", core::FormatDate(m.effective_from)},
      {"effective_to", m.effective_to ? json(core::FormatDate(*m.effective_to)) : json(nullptr)},
      {"sample", m.sample},
      {"holder_unit_ids", m.holder_unit_ids},
      {"tiers", tiers}};
}

json ProblemsJson(const std::vector<Problem>& problems) {
  json ps = json::array();
  for (const auto& p : problems) {
    ps.push_back({{"sheet", p.sheet},
                  {"row", p.row},
                  {"column", p.column},
                  {"message_zh", p.message_zh},
                  {"message_en", p.message_en}});
  }
  return ps;
}

json ImportReport::ToJson() const {
  return {{"ok", ok},
          {"created", created},
          {"versioned", versioned},
          {"unchanged", unchanged},
          {"problems", ProblemsJson(problems)}};
}

Result<MatterRules> CatalogueService::MatterRulesAt(std::string_view code, Date on) {
  std::optional<VersionRow> v;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = LoadAt(c, code, on);
    if (!r) return r.error();
    v = std::move(*r);
    return core::Ok();
  });
  if (!st) return st.error();
  if (!v) {
    return Err(ErrorCode::kNotFound,
               "执法事项 " + std::string(code) + " 在 " + core::FormatDate(on) + " 没有有效版本",
               "enforcement matter " + std::string(code) + " has no version in force on " +
                   core::FormatDate(on),
               "matter");
  }
  return std::move(v->rules);
}

Result<std::vector<MatterRules>> CatalogueService::AllMatterRulesAt(Date on) {
  std::vector<MatterRules> out;
  auto st = db_.Read([&](Conn& c) -> Status {
    out.clear();
    std::string d = core::FormatDate(on);
    auto r = c.Query(std::string("SELECT ") + kVersionCols +
                         " FROM catalogue_versions v JOIN catalogue_matters m ON m.id = "
                         "v.matter_id WHERE v.effective_from <= $1 AND (v.effective_to IS NULL OR "
                         "v.effective_to >= $1) ORDER BY m.code",
                     {d});
    if (!r) return r.error();
    std::map<int64_t, size_t> by_version;
    std::map<int64_t, size_t> by_matter;
    for (const auto& row : r->rows) {
      VersionRow v = VersionFromRow(row);
      by_version[v.version_id] = out.size();
      by_matter[v.matter_id] = out.size();
      out.push_back(std::move(v.rules));
    }
    auto t = c.Query("SELECT t.version_id, " + std::string(kTierColumns) +
                         " FROM catalogue_tiers t JOIN catalogue_versions v ON v.id = "
                         "t.version_id WHERE v.effective_from <= $1 AND (v.effective_to IS NULL "
                         "OR v.effective_to >= $1) ORDER BY t.version_id, t.ordinal",
                     {d});
    if (!t) return t.error();
    for (const auto& row : t->rows) {
      auto it = by_version.find(row.Int(0));
      if (it != by_version.end()) out[it->second].tiers.push_back(TierFromRow(row, 1));
    }
    auto h = c.Query(
        "SELECT matter_id, unit_id FROM catalogue_holdings WHERE start_date <= $1 AND (end_date "
        "IS NULL OR end_date > $1) ORDER BY matter_id, start_date, id",
        {d});
    if (!h) return h.error();
    for (const auto& row : h->rows) {
      auto it = by_matter.find(row.Int(0));
      if (it != by_matter.end()) out[it->second].holder_unit_ids.push_back(row.Int(1));
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> CatalogueService::List(const org::Principal& p, const MatterQuery& q) {
  (void)p;  // everyone signed in reads the whole catalogue
  json items = json::array();
  int64_t total = 0;
  Date on = q.on.value_or(Today(core::NowMicros()));
  auto st = db_.Read([&](Conn& c) -> Status {
    std::string d = core::FormatDate(on);
    Params ps{d};
    std::string where =
        " FROM catalogue_versions v JOIN catalogue_matters m ON m.id = v.matter_id WHERE "
        "v.effective_from <= $1 AND (v.effective_to IS NULL OR v.effective_to >= $1)";
    store::AndContains(where, ps, q.q, {"m.code", "v.name"});
    if (q.type) {
      ps.emplace_back(std::string(MatterTypeId(*q.type)));
      where += " AND v.type = $" + std::to_string(ps.size());
    }
    store::AndIf(where, ps, q.domain, "v.domain =");
    if (q.unit_id) {
      ps.emplace_back(*q.unit_id);
      where += " AND m.id IN (SELECT h.matter_id FROM catalogue_holdings h WHERE h.unit_id = $" +
               std::to_string(ps.size()) + " AND h.start_date <= $1 AND (h.end_date IS NULL OR " +
               "h.end_date > $1))";
    }
    auto cnt = c.Query("SELECT count(*)" + where, ps);
    if (!cnt) return cnt.error();
    total = cnt->rows.at(0).Int(0);
    std::string sql =
        "SELECT m.id, m.code, v.name, v.type, v.domain, v.effective_from, "
        "v.major_review, m.sample, v.range_text, v.id" +
        where + " ORDER BY m.code";
    store::AddPage(sql, ps, q.page, q.page_size);
    auto r = c.Query(sql, ps);
    if (!r) return r.error();
    std::vector<int64_t> matter_ids;
    for (const auto& row : r->rows) matter_ids.push_back(row.Int(0));
    std::map<int64_t, json> holders;
    std::map<int64_t, int64_t> tier_counts;
    if (!matter_ids.empty()) {
      Params hp{d};
      std::string ph = store::Placeholders(hp, matter_ids);
      auto h = c.Query(
          "SELECT h.matter_id, u.id, u.name FROM catalogue_holdings h JOIN units u ON u.id = "
          "h.unit_id WHERE h.matter_id IN (" +
              ph +
              ") AND h.start_date <= $1 AND (h.end_date IS NULL OR h.end_date > $1) ORDER BY "
              "h.start_date, h.id",
          hp);
      if (!h) return h.error();
      for (const auto& row : h->rows) {
        holders[row.Int(0)].push_back({{"unit_id", row.Int(1)}, {"unit_name", row.Text(2)}});
      }
      std::vector<int64_t> version_ids;
      for (const auto& row : r->rows) version_ids.push_back(row.Int(9));
      Params tp;
      std::string tph = store::Placeholders(tp, version_ids);
      auto t = c.Query("SELECT version_id, count(*) FROM catalogue_tiers WHERE version_id IN (" +
                           tph + ") GROUP BY version_id",
                       tp);
      if (!t) return t.error();
      for (const auto& row : t->rows) tier_counts[row.Int(0)] = row.Int(1);
    }
    for (const auto& row : r->rows) {
      auto type = ParseMatterType(row.Text(3)).value_or(MatterType::kOther);
      items.push_back(
          {{"code", row.Text(1)},
           {"name", row.Text(2)},
           {"type", MatterTypeId(type)},
           {"type_zh", MatterTypeZh(type)},
           {"domain", row.Text(4)},
           {"domain_zh", DomainZh(row.Text(4))},
           {"effective_from", row.Text(5)},
           {"major_review", row.Int(6) != 0},
           {"sample", row.Int(7) != 0},
           {"range_text", row.Text(8)},
           {"tiers", tier_counts[row.Int(9)]},
           {"holders", holders.count(row.Int(0)) ? holders[row.Int(0)] : json::array()}});
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return org::PageJson(items, total, q.page, q.page_size);
}

Result<json> CatalogueService::Get(const org::Principal& p, std::string_view code,
                                   std::optional<Date> on_opt) {
  Date today = Today(core::NowMicros());
  Date on = on_opt.value_or(today);
  json out;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto head = FindMatter(c, code);
    if (!head) return head.error();
    if (!*head) return MatterNotFound(code);
    auto v = LoadAt(c, code, on);
    if (!v) return v.error();
    if (*v) {
      out = MatterRulesJson((*v)->rules);
    } else {
      out = {{"code", std::string(code)}};
    }
    out["in_force"] = v->has_value();
    out["on"] = core::FormatDate(on);
    out["version"] = (*head)->lock;
    out["sample"] = (*head)->sample;
    auto vs = c.Query(
        "SELECT effective_from, effective_to, name, id FROM catalogue_versions WHERE matter_id = "
        "$1 ORDER BY effective_from",
        {(*head)->id});
    if (!vs) return vs.error();
    json versions = json::array();
    for (const auto& row : vs->rows) {
      versions.push_back({{"effective_from", row.Text(0)},
                          {"effective_to", row.IsNull(1) ? json(nullptr) : json(row.Text(1))},
                          {"name", row.Text(2)},
                          {"id", row.Int(3)}});
    }
    out["versions"] = versions;
    auto hs = LoadHoldings(c, (*head)->id);
    if (!hs) return hs.error();
    std::vector<int64_t> ids;
    for (const auto& h : *hs) ids.push_back(h.unit_id);
    auto names = UnitNames(c, ids);
    if (!names) return names.error();
    json holdings = json::array();
    for (const auto& h : *hs) {
      holdings.push_back({{"id", h.id},
                          {"unit_id", h.unit_id},
                          {"unit_name", (*names)[h.unit_id]},
                          {"start", core::FormatDate(h.start)},
                          {"end", h.end ? json(core::FormatDate(*h.end)) : json(nullptr)}});
    }
    out["holdings"] = holdings;
    json holders = json::array();
    for (int64_t u : HoldersOn(*hs, on)) {
      holders.push_back({{"unit_id", u}, {"unit_name", (*names)[u]}});
    }
    out["holders"] = holders;
    bool can = p.Has(org::Permission::kCatalogueWrite);
    if (can) {
      auto in = MatterInScope(c, p, (*head)->id, today);
      if (!in) return in.error();
      can = *in;
    }
    out["can_edit"] = can;
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Status CatalogueService::CheckConditions(const MatterRules& m) const {
  if (!condition_check_) return core::Ok();
  for (size_t i = 0; i < m.tiers.size(); ++i) {
    if (m.tiers[i].condition_json.empty()) continue;
    ZHIFA_TRY(condition_check_(m.tiers[i].condition_json,
                               "tiers[" + std::to_string(i) + "].condition_json"));
  }
  return core::Ok();
}

Result<json> CatalogueService::Create(const org::Principal& p, MatterRules m,
                                      const std::vector<int64_t>& holders) {
  ZHIFA_TRY(Normalise(m));
  ZHIFA_TRY(CheckConditions(m));
  if (holders.empty()) {
    return Err(ErrorCode::kInvalidArgument, "至少需要一个实施主体", "at least one holding unit",
               "holder_unit_ids");
  }
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto ex = FindMatter(c, m.code);
    if (!ex) return ex.error();
    if (*ex) {
      return Err(ErrorCode::kConflict, "事项代码已存在：" + m.code,
                 "the matter code exists: " + m.code, "code");
    }
    std::set<int64_t> seen;
    for (int64_t u : holders) {
      auto in = UnitInScope(c, p, u);
      if (!in) return in.error();
      if (!*in || !seen.insert(u).second) {
        return Err(ErrorCode::kNotFound, "实施主体单位不存在或不在您的数据范围内",
                   "a holding unit does not exist or is outside your data scope",
                   "holder_unit_ids");
      }
    }
    auto id = tx.NewId();
    if (!id) return id.error();
    auto ins = c.Exec(
        "INSERT INTO catalogue_matters (id, code, sample, version, created_seq, updated_seq) "
        "VALUES ($1, $2, $3, 1, 0, 0)",
        {*id, m.code, int64_t{m.sample ? 1 : 0}});
    if (!ins) return ins.error();
    int64_t vid = 0;
    ZHIFA_TRY(InsertVersion(tx, *id, m, 0, vid));
    for (int64_t u : holders) ZHIFA_TRY(InsertHolding(tx, *id, u, m.effective_from, 0));
    json payload = VersionEventPayload(m, vid);
    payload["holder_unit_ids"] = holders;
    payload["sample"] = m.sample;
    auto seq = tx.Emit(
        {"catalogue.matter_created", "matter:" + std::to_string(*id), payload, holders.front()});
    if (!seq) return seq.error();
    auto upd =
        c.Exec("UPDATE catalogue_matters SET created_seq = $1, updated_seq = $1 WHERE id = $2",
               {*seq, *id});
    if (!upd) return upd.error();
    return core::Ok();
  });
  if (!st) return st.error();
  return Get(p, m.code, m.effective_from);
}

Result<json> CatalogueService::AddVersion(const org::Principal& p, std::string_view code,
                                          MatterRules m, int64_t expected_version) {
  m.code = std::string(code);
  ZHIFA_TRY(Normalise(m));
  ZHIFA_TRY(CheckConditions(m));
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto head = FindMatter(c, code);
    if (!head) return head.error();
    if (!*head) return MatterNotFound(code);
    auto in = MatterInScope(c, p, (*head)->id, Today(tx.now()));
    if (!in) return in.error();
    if (!*in) return MatterNotFound(code);
    if ((*head)->lock != expected_version) return Stale();
    auto dates = VersionDates(c, (*head)->id);
    if (!dates) return dates.error();
    ZHIFA_TRY(CheckNewVersionDate(*dates, m.effective_from));
    ZHIFA_TRY(CloseOpenVersion(c, (*head)->id, m.effective_from));
    int64_t vid = 0;
    ZHIFA_TRY(InsertVersion(tx, (*head)->id, m, 0, vid));
    auto seq =
        tx.Emit({"catalogue.version_added", "matter:" + std::to_string((*head)->id),
                 VersionEventPayload(m, vid), p.unit_id ? std::optional(p.unit_id) : std::nullopt});
    if (!seq) return seq.error();
    return BumpMatter(c, (*head)->id, *seq);
  });
  if (!st) return st.error();
  return Get(p, code, m.effective_from);
}

Result<json> CatalogueService::Transfer(const org::Principal& p, std::string_view code,
                                        int64_t from_unit, int64_t to_unit, Date on,
                                        int64_t expected_version) {
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto head = FindMatter(c, code);
    if (!head) return head.error();
    if (!*head) return MatterNotFound(code);
    auto in = MatterInScope(c, p, (*head)->id, Today(tx.now()));
    if (!in) return in.error();
    if (!*in) return MatterNotFound(code);
    for (auto [u, field] :
         {std::pair{from_unit, "from_unit_id"}, std::pair{to_unit, "to_unit_id"}}) {
      auto ok = UnitInScope(c, p, u);
      if (!ok) return ok.error();
      if (!*ok) {
        return Err(ErrorCode::kNotFound, "单位不存在或不在您的数据范围内",
                   "the unit does not exist or is outside your data scope", field);
      }
    }
    if ((*head)->lock != expected_version) return Stale();
    auto hs = LoadHoldings(c, (*head)->id);
    if (!hs) return hs.error();
    ZHIFA_TRY(CheckTransfer(*hs, from_unit, to_unit, on));
    auto seq = tx.Emit({"catalogue.holding_transferred",
                        "matter:" + std::to_string((*head)->id),
                        {{"code", std::string(code)},
                         {"from_unit_id", from_unit},
                         {"to_unit_id", to_unit},
                         {"effective_from", core::FormatDate(on)}},
                        to_unit});
    if (!seq) return seq.error();
    auto end = c.Exec(
        "UPDATE catalogue_holdings SET end_date = $1, ended_seq = $2 WHERE matter_id = $3 AND "
        "unit_id = $4 AND end_date IS NULL",
        {core::FormatDate(on), *seq, (*head)->id, from_unit});
    if (!end) return end.error();
    ZHIFA_TRY(InsertHolding(tx, (*head)->id, to_unit, on, *seq));
    // The invariant: no day without a holder, checked on the state as written.
    auto after = LoadHoldings(c, (*head)->id);
    if (!after) return after.error();
    ZHIFA_TRY(CheckCoverage(*after));
    return BumpMatter(c, (*head)->id, *seq);
  });
  if (!st) return st.error();
  return Get(p, code, on);
}

Result<json> CatalogueService::AddHolder(const org::Principal& p, std::string_view code,
                                         int64_t unit_id, Date on, int64_t expected_version) {
  auto st = bus_.Run(ActorFor(p), [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    auto head = FindMatter(c, code);
    if (!head) return head.error();
    if (!*head) return MatterNotFound(code);
    auto in = MatterInScope(c, p, (*head)->id, Today(tx.now()));
    if (!in) return in.error();
    if (!*in) return MatterNotFound(code);
    auto ok = UnitInScope(c, p, unit_id);
    if (!ok) return ok.error();
    if (!*ok) {
      return Err(ErrorCode::kNotFound, "单位不存在或不在您的数据范围内",
                 "the unit does not exist or is outside your data scope", "unit_id");
    }
    if ((*head)->lock != expected_version) return Stale();
    auto hs = LoadHoldings(c, (*head)->id);
    if (!hs) return hs.error();
    for (const auto& h : *hs) {
      if (h.unit_id == unit_id && (!h.end || *h.end > on)) {
        return Err(ErrorCode::kConflict, "该单位在该日期已实施该事项",
                   "the unit already holds the matter on that date", "unit_id");
      }
    }
    auto seq = tx.Emit({"catalogue.holder_added",
                        "matter:" + std::to_string((*head)->id),
                        {{"code", std::string(code)},
                         {"unit_id", unit_id},
                         {"effective_from", core::FormatDate(on)}},
                        unit_id});
    if (!seq) return seq.error();
    ZHIFA_TRY(InsertHolding(tx, (*head)->id, unit_id, on, *seq));
    return BumpMatter(c, (*head)->id, *seq);
  });
  if (!st) return st.error();
  return Get(p, code, on);
}

Result<bool> CatalogueService::Empty() {
  bool empty = true;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query("SELECT count(*) FROM catalogue_matters");
    if (!r) return r.error();
    empty = r->rows.at(0).Int(0) == 0;
    return core::Ok();
  });
  if (!st) return st.error();
  return empty;
}

namespace {

// Reads the file into the two tables (matters may be absent).
Result<std::pair<std::optional<Table>, Table>> ReadTables(std::string_view bytes,
                                                          FileFormat format) {
  if (format == FileFormat::kCsv) {
    auto rows = core::ReadCsv(bytes);
    if (!rows) return rows.error();
    Table t{kTierSheet, std::move(*rows)};
    // A csv in the matter layout is recognised by its header.
    if (!t.rows.empty() && !t.rows[0].empty() && t.rows[0][0] == MatterColumns()[0]) {
      t.name = kMatterSheet;
      return std::pair<std::optional<Table>, Table>(std::move(t),
                                                    Table{kTierSheet, {TierColumns()}});
    }
    return std::pair<std::optional<Table>, Table>(std::nullopt, std::move(t));
  }
  auto sheets = core::ReadXlsx(bytes);
  if (!sheets) return sheets.error();
  std::optional<Table> matters;
  std::optional<Table> tiers;
  for (const auto& s : *sheets) {
    if (s.name == kMatterSheet) matters = Table{s.name, s.TextRows()};
    if (s.name == kTierSheet) tiers = Table{s.name, s.TextRows()};
  }
  if (!tiers) {
    // A department's own workbook often has one sheet with another name: take the first sheet
    // that is not the matter sheet.
    for (const auto& s : *sheets) {
      if (s.name != kMatterSheet) {
        tiers = Table{s.name, s.TextRows()};
        break;
      }
    }
  }
  if (!tiers) tiers = Table{kTierSheet, {TierColumns()}};
  return std::pair<std::optional<Table>, Table>(std::move(matters), std::move(*tiers));
}

}  // namespace

Result<ImportReport> CatalogueService::Import(const org::Principal& p, std::string_view bytes,
                                              const ImportOptions& o) {
  auto tables = ReadTables(bytes, o.format);
  if (!tables) return tables.error();
  return ImportTables(p, tables->first ? &*tables->first : nullptr, tables->second, o);
}

Result<ImportReport> CatalogueService::ImportTables(const org::Principal& p, const Table* matters,
                                                    const Table& tiers, const ImportOptions& o) {
  ImportReport report;
  auto body = [&](Conn& c, record::CommandTx* tx, Date today) -> Status {
    report = ImportReport{};
    Date from = o.effective_from.value_or(today);
    // Existing matters as in force on the import date (or their latest version).
    std::map<std::string, VersionRow> existing;
    auto lookup = [&](const std::string& code) -> std::optional<MatterRules> {
      auto v = LoadAt(c, code, from);
      if (v && *v) {
        existing[code] = **v;
        return (*v)->rules;
      }
      // A matter whose versions all start after the import date: its rows are read against the
      // latest version, and the plan below reports that there is no version to follow.
      auto latest = LoadAt(c, code, core::Date{9999, 12, 31});
      if (latest && *latest) return (*latest)->rules;
      return std::nullopt;
    };
    ImportSet set = ReadSheets(matters, tiers, lookup);
    report.problems = std::move(set.problems);
    // Units by name, visible in the caller's scope.
    std::map<std::string, int64_t> unit_ids;
    auto unit_by_name = [&](const std::string& name) -> Result<std::optional<int64_t>> {
      if (auto it = unit_ids.find(name); it != unit_ids.end()) return std::optional(it->second);
      auto r =
          c.Query("SELECT id FROM units WHERE name = $1 OR short_name = $1 ORDER BY id", {name});
      if (!r) return r.error();
      for (const auto& row : r->rows) {
        auto in = UnitInScope(c, p, row.Int(0));
        if (!in) return in.error();
        if (*in) {
          unit_ids[name] = row.Int(0);
          return std::optional<int64_t>(row.Int(0));
        }
      }
      return std::optional<int64_t>();
    };
    struct Planned {
      MatterDraft* d;
      std::vector<int64_t> holders;
      bool create;
    };
    std::vector<Planned> plan;
    for (auto& d : set.matters) {
      d.rules.effective_from = from;
      std::string sheet = d.from_matter_sheet ? kMatterSheet : tiers.name;
      int row = d.from_matter_sheet ? d.matter_row : d.first_tier_row;
      auto head = FindMatter(c, d.rules.code);
      if (!head) return head.error();
      bool exists = head->has_value();
      if (exists) {
        auto in = MatterInScope(c, p, (*head)->id, today);
        if (!in) return in.error();
        if (!*in) {
          report.problems.push_back(
              {sheet, row, "事项代码", "事项“" + d.rules.code + "”不存在或不在您的数据范围内",
               "matter \"" + d.rules.code + "\" does not exist or is outside your data scope"});
          continue;
        }
        auto it = existing.find(d.rules.code);
        if (it == existing.end()) {
          auto v = LoadAt(c, d.rules.code, from);
          if (!v) return v.error();
          if (*v) it = existing.emplace(d.rules.code, **v).first;
        }
        if (it == existing.end()) {
          report.problems.push_back(
              {sheet, row, "事项代码",
               "事项“" + d.rules.code + "”在导入生效日期 " + core::FormatDate(from) +
                   " 之前没有版本，请选择更晚的生效日期",
               "matter \"" + d.rules.code + "\" has no version before the import date " +
                   core::FormatDate(from)});
          continue;
        }
        const MatterRules& cur = it->second.rules;
        if (d.from_matter_sheet && !d.holder_names.empty()) {
          std::vector<int64_t> want;
          bool all = true;
          for (const auto& n : d.holder_names) {
            auto u = unit_by_name(n);
            if (!u) return u.error();
            if (!*u) {
              all = false;
              break;
            }
            want.push_back(**u);
          }
          auto have = cur.holder_unit_ids;
          std::sort(want.begin(), want.end());
          std::sort(have.begin(), have.end());
          if (!all || want != have) {
            report.problems.push_back(
                {kMatterSheet, d.matter_row, "实施主体",
                 "已有事项的实施主体与目录不一致；实施主体的变更请使用“划转”",
                 "the holders differ from the catalogue's; change holders with a transfer"});
            continue;
          }
        }
        if (!d.from_matter_sheet) d.rules.sample = cur.sample;
        if (!d.tiers_in_file) {
          // Only the matter row is in the file: the tiers stay, and must fit the new range.
          d.rules.tiers = cur.tiers;
          bool fits = true;
          for (const auto& t : d.rules.tiers) {
            if (auto st = CheckTierWithinRange(t, d.rules.range, "法定处罚种类和幅度"); !st) {
              report.problems.push_back(
                  {sheet, row, "法定处罚种类和幅度", st.error().message_zh, st.error().message_en});
              fits = false;
            }
          }
          if (!fits) continue;
        }
        // The machine-readable conditions (condition_json, not in the published layout) are kept
        // by tier name, so that a round trip through a spreadsheet does not lose them.
        for (auto& t : d.rules.tiers) {
          if (!t.condition_json.empty()) continue;
          for (const auto& old : cur.tiers) {
            if (old.name == t.name) t.condition_json = old.condition_json;
          }
        }
        if (SameContent(d.rules, cur)) {
          ++report.unchanged;
          continue;
        }
        auto dates = VersionDates(c, (*head)->id);
        if (!dates) return dates.error();
        if (auto st = CheckNewVersionDate(*dates, from); !st) {
          report.problems.push_back({sheet, row, "事项代码",
                                     "事项“" + d.rules.code + "”：" + st.error().message_zh,
                                     "matter \"" + d.rules.code + "\": " + st.error().message_en});
          continue;
        }
        plan.push_back({&d, {}, false});
      } else {
        if (!d.from_matter_sheet) continue;  // reported by ReadSheets
        std::vector<int64_t> holders;
        if (d.holder_names.empty()) {
          report.problems.push_back({kMatterSheet, d.matter_row, "实施主体", "新事项须填写实施主体",
                                     "a new matter needs its holders"});
          continue;
        }
        bool ok = true;
        for (const auto& n : d.holder_names) {
          auto u = unit_by_name(n);
          if (!u) return u.error();
          if (!*u) {
            report.problems.push_back({kMatterSheet, d.matter_row, "实施主体",
                                       "单位“" + n + "”不存在或不在您的数据范围内",
                                       "unit \"" + n +
                                           "\" does not exist or is outside your "
                                           "data scope"});
            ok = false;
          } else {
            holders.push_back(**u);
          }
        }
        if (ok) plan.push_back({&d, holders, true});
      }
    }
    std::sort(report.problems.begin(), report.problems.end(),
              [](const Problem& a, const Problem& b) {
                if (a.sheet != b.sheet) return a.sheet == kMatterSheet;
                return a.row < b.row;
              });
    if (!report.problems.empty()) {
      return Err(ErrorCode::kInvalidArgument, "导入文件有问题，未导入任何数据",
                 "the file has problems; nothing was imported", "file");
    }
    report.ok = true;
    if (!tx) {  // dry run
      for (const auto& pl : plan) (pl.create ? report.created : report.versioned)++;
      return core::Ok();
    }
    for (auto& pl : plan) {
      MatterRules& m = pl.d->rules;
      if (pl.create) {
        auto id = tx->NewId();
        if (!id) return id.error();
        auto ins = c.Exec(
            "INSERT INTO catalogue_matters (id, code, sample, version, created_seq, updated_seq) "
            "VALUES ($1, $2, $3, 1, 0, 0)",
            {*id, m.code, int64_t{m.sample ? 1 : 0}});
        if (!ins) return ins.error();
        int64_t vid = 0;
        ZHIFA_TRY(InsertVersion(*tx, *id, m, 0, vid));
        for (int64_t u : pl.holders) ZHIFA_TRY(InsertHolding(*tx, *id, u, from, 0));
        json payload = VersionEventPayload(m, vid);
        payload["holder_unit_ids"] = pl.holders;
        payload["source"] = "import";
        auto seq = tx->Emit({"catalogue.matter_created", "matter:" + std::to_string(*id), payload,
                             pl.holders.front()});
        if (!seq) return seq.error();
        auto upd =
            c.Exec("UPDATE catalogue_matters SET created_seq = $1, updated_seq = $1 WHERE id = $2",
                   {*seq, *id});
        if (!upd) return upd.error();
        ++report.created;
      } else {
        auto head = FindMatter(c, m.code);
        if (!head) return head.error();
        int64_t mid = (*head)->id;
        if (pl.d->from_matter_sheet && m.sample != (*head)->sample) {
          auto up = c.Exec("UPDATE catalogue_matters SET sample = $1 WHERE id = $2",
                           {int64_t{m.sample ? 1 : 0}, mid});
          if (!up) return up.error();
        }
        ZHIFA_TRY(CloseOpenVersion(c, mid, from));
        int64_t vid = 0;
        ZHIFA_TRY(InsertVersion(*tx, mid, m, 0, vid));
        json payload = VersionEventPayload(m, vid);
        payload["source"] = "import";
        auto seq = tx->Emit({"catalogue.version_added", "matter:" + std::to_string(mid), payload,
                             p.unit_id ? std::optional(p.unit_id) : std::nullopt});
        if (!seq) return seq.error();
        ZHIFA_TRY(BumpMatter(c, mid, *seq));
        ++report.versioned;
      }
    }
    auto seq = tx->Emit({"catalogue.imported",
                         "catalogue:import",
                         {{"format", o.format == FileFormat::kXlsx ? "xlsx" : "csv"},
                          {"effective_from", core::FormatDate(from)},
                          {"created", report.created},
                          {"versioned", report.versioned},
                          {"unchanged", report.unchanged}},
                         p.unit_id ? std::optional(p.unit_id) : std::nullopt});
    if (!seq) return seq.error();
    return core::Ok();
  };
  Status st;
  if (o.dry_run) {
    int64_t now = core::NowMicros();
    st = db_.Read([&](Conn& c) { return body(c, nullptr, Today(now)); });
  } else {
    st = bus_.Run(ActorFor(p),
                  [&](record::CommandTx& tx) { return body(tx.conn(), &tx, Today(tx.now())); });
  }
  if (!st) {
    if (!report.problems.empty()) {
      report.ok = false;
      report.created = report.versioned = 0;
      return report;
    }
    return st.error();
  }
  return report;
}

Result<ExportFile> CatalogueService::Export(const org::Principal& p, const ExportOptions& o) {
  Date on = o.on.value_or(Today(core::NowMicros()));
  auto all = AllMatterRulesAt(on);
  if (!all) return all.error();
  std::vector<MatterRules> ms;
  std::vector<std::vector<std::string>> names;
  std::string unit_name;
  auto st = db_.Read([&](Conn& c) -> Status {
    std::vector<int64_t> ids;
    for (const auto& m : *all)
      ids.insert(ids.end(), m.holder_unit_ids.begin(), m.holder_unit_ids.end());
    if (o.unit_id) ids.push_back(*o.unit_id);
    auto un = UnitNames(c, ids);
    if (!un) return un.error();
    if (o.unit_id) {
      if (!un->count(*o.unit_id)) {
        return Err(ErrorCode::kNotFound, "单位不存在", "no such unit", "unit_id");
      }
      unit_name = (*un)[*o.unit_id];
    }
    for (auto& m : *all) {
      if (o.unit_id && std::find(m.holder_unit_ids.begin(), m.holder_unit_ids.end(), *o.unit_id) ==
                           m.holder_unit_ids.end()) {
        continue;
      }
      std::vector<std::string> n;
      for (int64_t u : m.holder_unit_ids) n.push_back((*un)[u]);
      names.push_back(std::move(n));
      ms.push_back(std::move(m));
    }
    return core::Ok();
  });
  if (!st) return st.error();
  (void)p;
  Sheets sheets = WriteSheets(ms, names);
  ExportFile f;
  std::string base =
      (unit_name.empty() ? std::string("执法事项目录") : unit_name + "执法事项目录") + "_" +
      core::FormatDate(on);
  if (o.format == FileFormat::kXlsx) {
    auto bytes = core::WriteXlsx({core::TextSheet(sheets.tiers.name, sheets.tiers.rows),
                                  core::TextSheet(sheets.matters.name, sheets.matters.rows)});
    if (!bytes) return bytes.error();
    f.bytes = std::move(*bytes);
    f.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    f.filename = base + ".xlsx";
  } else {
    bool matters = o.sheet == kMatterSheet;
    f.bytes = core::WriteCsv(matters ? sheets.matters.rows : sheets.tiers.rows);
    f.content_type = "text/csv; charset=utf-8";
    f.filename = base + (matters ? "_执法事项" : "_裁量基准") + ".csv";
  }
  return f;
}

}  // namespace zhifa::catalogue
