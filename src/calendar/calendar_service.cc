#include "calendar/calendar_service.h"

#include <algorithm>
#include <map>

#include "core/embedded.h"
#include "core/random.h"
#include "core/utf8.h"
#include "org/org_service.h"

namespace zhifa::calendar {

using core::Err;
using core::ErrorCode;
using core::Result;
using core::Status;
using nlohmann::json;

record::Actor ActorOf(const org::Principal& p) {
  record::Actor a;
  if (p.user_id != 0) a.user_id = p.user_id;
  if (p.unit_id != 0) a.unit_id = p.unit_id;
  return a;
}

namespace {
int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
Status NoDatabase() {
  return Err(ErrorCode::kUnavailable, "没有数据库：只能使用内置的放假安排",
             "no database: only the shipped arrangements are available", "ZHIFA_DB");
}
}  // namespace

json StoredOverride::ToJson() const {
  json j = {{"id", id},
            {"rule_id", rule_id},
            {"unit_id", unit_id},
            {"unit_name", unit_name},
            {"kind", OverrideKindName(value.kind)},
            {"reason", reason},
            {"basis", basis},
            {"version", version}};
  if (value.kind == OverrideKind::kPeriod) j["amount"] = value.amount;
  if (value.kind == OverrideKind::kDayType) j["day_type"] = DayTypeName(value.day_type);
  return j;
}

Result<std::unique_ptr<CalendarService>> CalendarService::Open(
    store::Database* db, record::CommandBus* bus, std::chrono::milliseconds refresh_interval) {
  std::unique_ptr<CalendarService> s(new CalendarService(db, bus, refresh_interval));
  for (const auto& f : embed::data()) {
    if (f.path.rfind("holidays/", 0) != 0 || f.path.size() < 5 ||
        f.path.substr(f.path.size() - 5) != ".json") {
      continue;
    }
    auto y = core::ParseHolidayFile(f.data, /*shipped=*/true);
    if (!y) {
      return Err(ErrorCode::kInternal, std::string(f.path) + ": " + y.error().message_zh,
                 std::string(f.path) + ": " + y.error().message_en);
    }
    if (y->days.empty()) continue;  // holiday-cn placeholder (e.g. 2027.json): not loaded
    s->shipped_sha_.push_back(core::Sha256Hex(f.data));
    s->shipped_.push_back(std::move(*y));
  }
  ZHIFA_TRY(s->Reload());
  return s;
}

Result<int64_t> CalendarService::ReadVersion() {
  int64_t v = 0;
  ZHIFA_TRY(db_->Read([&](store::Conn& c) -> Status {
    auto r = c.Query("SELECT value FROM counters WHERE name = 'calendar_version'");
    if (!r) return r.error();
    v = r->rows.empty() ? 0 : r->rows[0].Int(0);
    return core::Ok();
  }));
  return v;
}

Status CalendarService::Reload() {
  std::lock_guard reload(reload_mu_);
  std::map<int, core::HolidayYear> years;
  for (const auto& y : shipped_) years[y.year] = y;
  int64_t version = 0;
  if (db_) {
    std::vector<std::string> contents;
    ZHIFA_TRY(db_->Read([&](store::Conn& c) -> Status {
      contents.clear();
      auto v = c.Query("SELECT value FROM counters WHERE name = 'calendar_version'");
      if (!v) return v.error();
      version = v->rows.empty() ? 0 : v->rows[0].Int(0);
      auto r = c.Query("SELECT content FROM calendar_years ORDER BY year");
      if (!r) return r.error();
      for (const auto& row : r->rows) contents.push_back(row.Text(0));
      return core::Ok();
    }));
    for (const auto& text : contents) {
      auto y = core::ParseHolidayFile(text, /*shipped=*/true);
      if (!y) return y.error();
      if (!y->days.empty()) years[y->year] = std::move(*y);
    }
  }
  std::vector<core::HolidayYear> all;
  all.reserve(years.size());
  for (auto& [_, y] : years) all.push_back(std::move(y));
  auto cal = core::WorkingCalendar::Build(all);
  {
    std::lock_guard l(mu_);
    current_ = std::move(cal);
  }
  version_.store(version);
  next_check_ns_.store(SteadyNs() + std::chrono::nanoseconds(refresh_interval_).count());
  return core::Ok();
}

std::shared_ptr<const core::WorkingCalendar> CalendarService::Current() {
  if (db_) {
    int64_t now = SteadyNs();
    if (now >= next_check_ns_.load(std::memory_order_relaxed)) {
      next_check_ns_.store(now + std::chrono::nanoseconds(refresh_interval_).count());
      auto v = ReadVersion();
      // A failed poll keeps the calendar in use (the database may be briefly unavailable).
      if (v && *v != version_.load()) (void)Reload();
    }
  }
  std::lock_guard l(mu_);
  return current_;
}

Result<LoadResult> CalendarService::LoadYear(const record::Actor& actor, std::string_view text,
                                             bool replace, const std::string& origin) {
  auto parsed = core::ParseHolidayFile(text);
  if (!parsed) return parsed.error();
  if (!db_ || !bus_) return NoDatabase().error();
  const int year = parsed->year;
  const bool shipped = std::any_of(shipped_.begin(), shipped_.end(),
                                   [&](const core::HolidayYear& y) { return y.year == year; });
  const std::string sha = core::Sha256Hex(text);
  const std::string content(text);
  int days = static_cast<int>(parsed->days.size());
  LoadResult out;
  auto st = bus_->Run(actor, [&](record::CommandTx& tx) -> Status {
    out = LoadResult{year, sha, days, false};
    auto r = tx.conn().Query("SELECT sha256 FROM calendar_years WHERE year = $1",
                             {static_cast<int64_t>(year)});
    if (!r) return r.error();
    bool in_db = !r->rows.empty();
    if ((in_db || shipped) && !replace) {
      std::string src = in_db ? "数据库" : "内置数据";
      return Err(ErrorCode::kConflict,
                 std::to_string(year) + " 年的放假安排已加载（" + src +
                     "）；替换须明确指定 --replace（界面：勾选“替换已有年份”）",
                 "the " + std::to_string(year) + " arrangement is already loaded (" +
                     (in_db ? "database" : "shipped") +
                     "); replacing it needs --replace (UI: tick \"replace\")",
                 "replace");
    }
    out.replaced = in_db || shipped;
    if (in_db) {
      auto del = tx.conn().Exec("DELETE FROM calendar_years WHERE year = $1",
                                {static_cast<int64_t>(year)});
      if (!del) return del.error();
    }
    auto bump = tx.conn().AddToCounter("calendar_version", 1);
    if (!bump) return bump.error();
    auto seq = tx.Emit(
        record::Event{"calendar.year_loaded", "calendar_year:" + std::to_string(year),
                      json{{"year", year},
                           {"sha256", sha},
                           {"days", days},
                           {"replaced", out.replaced},
                           {"origin", origin},
                           {"replaced_source", in_db ? "database" : (shipped ? "embedded" : "")},
                           {"calendar_version", *bump}},
                      std::nullopt});
    if (!seq) return seq.error();
    auto ins = tx.conn().Exec(
        "INSERT INTO calendar_years (year, content, sha256, days, loaded_by, loaded_at, "
        "loaded_seq) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {static_cast<int64_t>(year), content, sha, static_cast<int64_t>(days),
         actor.user_id ? store::Value(*actor.user_id) : store::Value(store::Null{}),
         core::FormatRfc3339Micros(tx.now()), *seq});
    if (!ins) return ins.error();
    return core::Ok();
  });
  if (!st) return st.error();
  ZHIFA_TRY(Reload());  // after the commit: the new calendar is used from now on
  return out;
}

Result<std::vector<YearInfo>> CalendarService::Years() {
  std::map<int, YearInfo> out;
  auto fill = [](YearInfo& info, const core::HolidayYear& y) {
    info.days = static_cast<int>(y.days.size());
    info.off_days = 0;
    info.makeup_days = 0;
    for (const auto& d : y.days) (d.off ? info.off_days : info.makeup_days)++;
    info.papers = y.papers;
  };
  for (size_t i = 0; i < shipped_.size(); ++i) {
    YearInfo info;
    info.year = shipped_[i].year;
    info.source = "embedded";
    info.sha256 = shipped_sha_[i];
    fill(info, shipped_[i]);
    out[info.year] = std::move(info);
  }
  if (db_) {
    struct DbRow {
      int year;
      std::string content, sha, at;
    };
    std::vector<DbRow> rows;
    ZHIFA_TRY(db_->Read([&](store::Conn& c) -> Status {
      rows.clear();
      auto r = c.Query("SELECT year, content, sha256, loaded_at FROM calendar_years ORDER BY year");
      if (!r) return r.error();
      for (const auto& row : r->rows) {
        rows.push_back({static_cast<int>(row.Int(0)), row.Text(1), row.Text(2), row.Text(3)});
      }
      return core::Ok();
    }));
    for (const auto& row : rows) {
      auto y = core::ParseHolidayFile(row.content, true);
      if (!y) return y.error();
      YearInfo info;
      info.year = row.year;
      info.source = "database";
      info.sha256 = row.sha;
      info.loaded_at = row.at;
      fill(info, *y);
      out[row.year] = std::move(info);
    }
  }
  std::vector<YearInfo> v;
  v.reserve(out.size());
  for (auto& [_, info] : out) v.push_back(std::move(info));
  return v;
}

namespace {
Result<StoredOverride> OverrideFromRow(const store::Row& row) {
  StoredOverride o;
  o.id = row.Int(0);
  o.rule_id = row.Text(1);
  o.unit_id = row.Int(2);
  o.unit_name = row.Text(3);
  std::string kind = row.Text(4);
  o.value.kind = kind == "period" ? OverrideKind::kPeriod : OverrideKind::kDayType;
  o.value.amount = static_cast<int>(row.Int(5));
  o.value.day_type = ParseDayType(row.Text(6)).value_or(DayType::kWorking);
  o.reason = row.Text(7);
  o.basis = row.Text(8);
  o.version = row.Int(9);
  return o;
}
constexpr const char* kOverrideSelect =
    "SELECT o.id, o.rule_id, o.unit_id, u.name, o.kind, o.amount, o.day_type, o.reason, o.basis, "
    "o.version FROM time_limit_overrides o JOIN units u ON u.id = o.unit_id";
}  // namespace

Result<std::vector<StoredOverride>> CalendarService::ListOverrides() {
  if (!db_) return std::vector<StoredOverride>{};
  std::vector<StoredOverride> out;
  ZHIFA_TRY(db_->Read([&](store::Conn& c) -> Status {
    out.clear();
    auto r = c.Query(std::string(kOverrideSelect) + " ORDER BY o.rule_id, o.unit_id");
    if (!r) return r.error();
    for (const auto& row : r->rows) {
      auto o = OverrideFromRow(row);
      if (!o) return o.error();
      out.push_back(std::move(*o));
    }
    return core::Ok();
  }));
  return out;
}

Result<std::optional<Override>> CalendarService::FindOverride(const std::string& rule_id,
                                                              int64_t unit_id) {
  if (!db_) return std::optional<Override>{};
  std::optional<Override> out;
  ZHIFA_TRY(db_->Read([&](store::Conn& c) -> Status {
    auto o = FindOverride(c, rule_id, unit_id);
    if (!o) return o.error();
    out = *o;
    return core::Ok();
  }));
  return out;
}

Result<std::optional<Override>> CalendarService::FindOverride(store::Conn& c,
                                                              const std::string& rule_id,
                                                              int64_t unit_id) {
  auto found = FindOverrides(c, {rule_id}, unit_id);
  if (!found) return found.error();
  return found->front();
}

Result<std::vector<std::optional<Override>>> CalendarService::FindOverrides(
    store::Conn& c, const std::vector<std::string>& rule_ids, int64_t unit_id) {
  auto u = c.Query("SELECT id FROM units WHERE id = $1", {unit_id});
  if (!u) return u.error();
  if (u->rows.empty()) {
    return Err(ErrorCode::kNotFound, "单位不存在：" + std::to_string(unit_id),
               "no such unit: " + std::to_string(unit_id), "unit_id");
  }
  std::vector<std::optional<Override>> out(rule_ids.size());
  if (rule_ids.empty()) return out;
  store::Params params{unit_id};
  std::string in;
  for (const auto& id : rule_ids) {
    params.emplace_back(id);
    in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  auto r = c.Query(
      std::string(kOverrideSelect) + " WHERE o.unit_id = $1 AND o.rule_id IN (" + in + ")", params);
  if (!r) return r.error();
  for (const auto& row : r->rows) {
    auto o = OverrideFromRow(row);
    if (!o) return o.error();
    for (size_t i = 0; i < rule_ids.size(); ++i) {
      if (rule_ids[i] == o->rule_id) out[i] = o->value;
    }
  }
  return out;
}

namespace {
// The unit's name when it exists and lies in `scope`; kNotFound naming `field` otherwise.
Result<std::string> VisibleUnit(store::Conn& c, const org::ScopeFilter& scope, int64_t unit_id,
                                const char* field) {
  store::Params params{unit_id};
  std::string pred = org::ScopePredicate(scope, "u.id", "", params);
  auto r = c.Query("SELECT u.name FROM units u WHERE u.id = $1 AND " + pred, params);
  if (!r) return r.error();
  if (r->rows.empty()) {
    return Err(ErrorCode::kNotFound, "单位不存在：" + std::to_string(unit_id),
               "no such unit: " + std::to_string(unit_id), field);
  }
  return r->rows[0].Text(0);
}
}  // namespace

Result<StoredOverride> CalendarService::SetOverride(const record::Actor& actor,
                                                    const org::ScopeFilter& scope,
                                                    const NewOverride& in) {
  if (!db_ || !bus_) return NoDatabase().error();
  auto rule = FindRule(in.rule_id, "rule_id");
  if (!rule) {
    auto e = rule.error();
    e.code = ErrorCode::kInvalidArgument;
    return e;
  }
  Override o;
  if (in.kind == "period") {
    o.kind = OverrideKind::kPeriod;
    if (in.amount < 1 || in.amount > 100000) {
      return Err(ErrorCode::kInvalidArgument, "期限应为正整数", "the period must be positive",
                 "amount");
    }
    o.amount = static_cast<int>(in.amount);
  } else if (in.kind == "day_type") {
    o.kind = OverrideKind::kDayType;
    auto dt = ParseDayType(in.day_type);
    if (!dt) {
      return Err(ErrorCode::kInvalidArgument, "计日方式应为 working 或 calendar",
                 "the day type must be working or calendar", "day_type");
    }
    o.day_type = *dt;
  } else {
    return Err(ErrorCode::kInvalidArgument, "调整方式应为 period 或 day_type",
               "the kind must be period or day_type", "kind");
  }
  ZHIFA_TRY(CheckOverride(**rule, o));
  for (auto [name, value] :
       {std::pair<const char*, const std::string*>{"reason", &in.reason}, {"basis", &in.basis}}) {
    bool blank = value->find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank || value->size() > 1000 || !core::IsValidUtf8(*value) ||
        core::HasControlChars(*value)) {
      return Err(ErrorCode::kInvalidArgument,
                 std::string(name) == "reason" ? "须填写调整理由（1–1000 字节，无控制字符）"
                                               : "须填写依据（文件名称及条款，1–1000 字节）",
                 std::string("the ") + name + " is required (1–1000 bytes, no control characters)",
                 name);
    }
  }
  StoredOverride out;
  auto st = bus_->Run(actor, [&](record::CommandTx& tx) -> Status {
    auto& c = tx.conn();
    auto unit = VisibleUnit(c, scope, in.unit_id, "unit_id");
    if (!unit) return unit.error();
    auto cur =
        c.Query("SELECT id, version FROM time_limit_overrides WHERE rule_id = $1 AND unit_id = $2",
                {in.rule_id, in.unit_id});
    if (!cur) return cur.error();
    int64_t id = 0;
    int64_t version = 1;
    if (cur->rows.empty()) {
      auto nid = tx.NewId();
      if (!nid) return nid.error();
      id = *nid;
    } else {
      id = cur->rows[0].Int(0);
      version = cur->rows[0].Int(1) + 1;
    }
    std::string day_type = o.kind == OverrideKind::kDayType ? DayTypeName(o.day_type) : "";
    auto seq = tx.Emit(record::Event{"time_limit.override_set",
                                     "time_limit_override:" + std::to_string(id),
                                     json{{"rule_id", in.rule_id},
                                          {"unit_id", in.unit_id},
                                          {"kind", OverrideKindName(o.kind)},
                                          {"amount", o.amount},
                                          {"day_type", day_type},
                                          {"reason", in.reason},
                                          {"basis", in.basis},
                                          {"version", version}},
                                     in.unit_id});
    if (!seq) return seq.error();
    if (cur->rows.empty()) {
      auto ins = c.Exec(
          "INSERT INTO time_limit_overrides (id, rule_id, unit_id, kind, amount, day_type, reason, "
          "basis, version, created_seq, updated_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, "
          "$9, $9)",
          {id, in.rule_id, in.unit_id, std::string(OverrideKindName(o.kind)),
           static_cast<int64_t>(o.amount), day_type, in.reason, in.basis, *seq});
      if (!ins) return ins.error();
    } else {
      auto up = c.Exec(
          "UPDATE time_limit_overrides SET kind = $2, amount = $3, day_type = $4, reason = $5, "
          "basis = $6, version = $7, updated_seq = $8 WHERE id = $1",
          {id, std::string(OverrideKindName(o.kind)), static_cast<int64_t>(o.amount), day_type,
           in.reason, in.basis, version, *seq});
      if (!up) return up.error();
    }
    out = StoredOverride{id, in.rule_id, in.unit_id, *unit, o, in.reason, in.basis, version};
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Status CalendarService::RemoveOverride(const record::Actor& actor, const org::ScopeFilter& scope,
                                       int64_t id) {
  if (!db_ || !bus_) return NoDatabase();
  return bus_->Run(actor, [&](record::CommandTx& tx) -> Status {
    auto cur =
        tx.conn().Query("SELECT rule_id, unit_id FROM time_limit_overrides WHERE id = $1", {id});
    if (!cur) return cur.error();
    if (cur->rows.empty()) {
      return Err(ErrorCode::kNotFound, "调整不存在", "no such override", "id");
    }
    if (auto u = VisibleUnit(tx.conn(), scope, cur->rows[0].Int(1), "id"); !u) {
      return Err(ErrorCode::kNotFound, "调整不存在", "no such override", "id");
    }
    auto del = tx.conn().Exec("DELETE FROM time_limit_overrides WHERE id = $1", {id});
    if (!del) return del.error();
    auto seq = tx.Emit(
        record::Event{"time_limit.override_removed", "time_limit_override:" + std::to_string(id),
                      json{{"rule_id", cur->rows[0].Text(0)}, {"unit_id", cur->rows[0].Int(1)}},
                      cur->rows[0].Int(1)});
    if (!seq) return seq.error();
    return core::Ok();
  });
}

}  // namespace zhifa::calendar
