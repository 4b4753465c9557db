// zhifa calendar … and zhifa rules … — the working-day calendar and the time-limit table on the
// command line. Output formats are fixed (scripts depend on them):
//   zhifa calendar add-working-days YYYY-MM-DD N    → YYYY-MM-DD (provisional note on stderr)
//   zhifa calendar is-working-day YYYY-MM-DD        → true | false
//   zhifa calendar count-working-days A B           → the number of working days in (A, B]
// Bad arguments exit 2 with a message naming the argument.
//
// Which years are used: the same configuration as `serve` (-c / ZHIFA_CONFIG, ZHIFA_DB,
// ZHIFA_DATA_DIR). When that database exists (a SQLite file that is present, or a PostgreSQL URL)
// the shipped years plus the loaded ones are used; a missing SQLite file means "no database" and
// only the shipped years are used (nothing is created). A configured PostgreSQL database that
// cannot be reached is an error (exit 1), not a silent fallback.
#include "cli/calendar.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/app.h"
#include "calendar/calendar_service.h"
#include "calendar/time_limit_rules.h"
#include "cli/commands.h"
#include "core/utf8.h"
#include "store/migrate.h"

namespace zhifa::cli {

namespace {

int BadArg(const std::string& arg, const std::string& zh, const std::string& en) {
  std::cerr << "zhifa: " << arg << ": " << zh << "\nzhifa: " << arg << ": " << en << "\n";
  return 2;
}

std::optional<core::Date> ArgDate(const std::string& arg, const std::string& text, int* rc) {
  auto d = core::ParseDate(text, arg);
  if (!d) {
    *rc = BadArg(arg, d.error().message_zh, d.error().message_en);
    return std::nullopt;
  }
  if (!core::WorkingCalendar::InSpan(*d)) {
    auto st = core::WorkingCalendar::CheckSpan(*d, arg);
    *rc = BadArg(arg, st.error().message_zh, st.error().message_en);
    return std::nullopt;
  }
  return *d;
}

// The calendar service over the configured database if it exists, else the shipped years.
struct Opened {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<calendar::CalendarService> svc;
  std::string source;  // "embedded" | "database"
};

core::Result<Opened> OpenForQuery(const app::Config& cfg) {
  Opened o;
  std::string url = cfg.DatabaseUrl();
  bool exists = true;
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    exists = path != ":memory:" && std::filesystem::exists(path);
  }
  if (exists) {
    store::Options opt;
    opt.read_pool_size = 1;
    auto db = store::Open(url, opt);
    if (!db) return db.error();
    auto v = store::CurrentVersion(**db);
    if (!v) return v.error();
    if (*v >= 2) o.db = std::move(*db);  // older schema: no loaded years yet
  }
  auto svc = calendar::CalendarService::Open(o.db.get(), nullptr);
  if (!svc) return svc.error();
  o.svc = std::move(*svc);
  o.source = o.db ? "database" : "embedded";
  return o;
}

void ProvisionalNote(const core::WorkingCalendar& cal) {
  std::cerr << "注意：结果依赖尚未加载放假安排的年份（已加载至 " << cal.LastLoadedYear()
            << " 年），按普通周末计算，为暂定结果\n"
            << "note: provisional: the result depends on a year with no loaded holiday "
               "arrangement (loaded through "
            << cal.LastLoadedYear() << "); ordinary weekends were assumed\n";
}

std::string Pad(const std::string& s, size_t width) {
  size_t w = core::Utf8Length(s);
  // CJK characters take two columns in a terminal.
  size_t cols = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cols += len >= 3 ? 2 : 1;
    i += len;
  }
  (void)w;
  return cols >= width ? s + " " : s + std::string(width - cols, ' ');
}

}  // namespace

void RegisterCalendarCli(CLI::App& cli, CalendarCli& c) {
  c.calendar = cli.add_subcommand("calendar", "Working-day calendar (工作日历)");
  c.calendar->require_subcommand(1);
  c.add = c.calendar->add_subcommand("add-working-days", "Print the N-th working day after DATE");
  c.add->add_option("DATE", c.date, "YYYY-MM-DD")->required();
  c.add->add_option("N", c.n, "working days (≥ 0)")->required();
  c.is = c.calendar->add_subcommand("is-working-day", "Print true or false");
  c.is->add_option("DATE", c.date, "YYYY-MM-DD")->required();
  c.count = c.calendar->add_subcommand("count-working-days", "Working days in (A, B]");
  c.count->add_option("A", c.date, "YYYY-MM-DD")->required();
  c.count->add_option("B", c.date2, "YYYY-MM-DD")->required();
  c.years = c.calendar->add_subcommand("years", "List the loaded years and their source");
  c.load = c.calendar->add_subcommand("load", "Load a year's arrangement (holiday-cn JSON)");
  c.load->add_option("FILE", c.file, "the year's JSON file")->required();
  c.load->add_flag("--replace", c.replace, "replace a year that is already loaded");
  c.rules = cli.add_subcommand("rules", "Statutory time limits (法定时限)");
  c.rules->require_subcommand(1);
  c.rules_list = c.rules->add_subcommand("list", "Print the rule table");
  c.rules_list->add_flag("--json", c.json, "JSON instead of aligned text");
}

int RunRulesList(bool as_json) {
  using namespace calendar;
  if (as_json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : TimeLimitRules()) {
      nlohmann::json j = {{"id", r.id},
                          {"name_zh", r.name_zh},
                          {"name_en", r.name_en},
                          {"start_event_zh", r.start_event_zh},
                          {"day_type", DayTypeName(r.day_type)},
                          {"unit", PeriodUnitName(r.unit)},
                          {"amount", r.amount},
                          {"before", r.before},
                          {"on_expiry", ExpiryActionName(r.on_expiry)},
                          {"citation", Citation(r)},
                          {"extension_max", r.extension_max},
                          {"override_kind", OverrideKindName(r.override_kind)},
                          {"roll", r.roll}};
      items.push_back(j);
    }
    std::cout << items.dump(2) << "\n";
    return 0;
  }
  std::cout << Pad("id", 32) << Pad("名称", 40) << Pad("期限", 16) << Pad("到期", 14)
            << Pad("可调整", 22) << "依据\n";
  for (const auto& r : TimeLimitRules()) {
    std::string unit = r.unit == PeriodUnit::kHour       ? "小时"
                       : r.unit == PeriodUnit::kYear     ? "年"
                       : r.day_type == DayType::kWorking ? "个工作日"
                                                         : "日";
    std::string period = (r.before ? "前" : "") + std::to_string(r.amount) + unit;
    std::string adj = r.extension_max ? "延长≤" + std::to_string(r.extension_max)
                      : r.override_kind == OverrideKind::kPeriod  ? "部门期限"
                      : r.override_kind == OverrideKind::kDayType ? "部门计日方式"
                                                                  : "否";
    std::cout << Pad(r.id, 32) << Pad(r.name_zh, 40) << Pad(period, 16)
              << Pad(ExpiryActionName(r.on_expiry), 14) << Pad(adj, 22) << Citation(r) << "\n";
  }
  return 0;
}

std::optional<int> RunCalendarCli(const CalendarCli& c, const app::Config& cfg) {
  if (c.rules->parsed()) return RunRulesList(c.json);
  if (!c.calendar->parsed()) return std::nullopt;
  int rc = 0;

  if (c.load->parsed()) {
    std::ifstream in(c.file, std::ios::binary);
    if (!in) return BadArg("FILE", "无法读取文件 " + c.file, "cannot read the file " + c.file);
    std::stringstream ss;
    ss << in.rdbuf();
    auto app = app::App::Open(cfg);
    if (!app) return Fail(app.error());
    auto applied = (*app)->Migrate();
    if (!applied) return Fail(applied.error());
    const char* os_user = std::getenv("USER");
    auto r = (*app)->calendar().LoadYear(record::Actor{}, ss.str(), c.replace,
                                         std::string("cli:") + (os_user ? os_user : "?"));
    if (!r) {
      const auto& e = r.error();
      std::cerr << "zhifa: " << c.file << ": " << e.message_zh << "\nzhifa: " << c.file << ": "
                << e.message_en << "\n";
      return e.code == core::ErrorCode::kInvalidArgument || e.code == core::ErrorCode::kConflict
                 ? 2
                 : 1;
    }
    std::cout << "已加载 " << r->year << " 年放假安排（" << r->days << " 天"
              << (r->replaced ? "，替换原有安排" : "") << "）sha256 " << r->sha256 << "\n"
              << "loaded " << r->year << " (" << r->days << " days"
              << (r->replaced ? ", replaced" : "") << ")\n";
    return 0;
  }

  auto opened = OpenForQuery(cfg);
  if (!opened) return Fail(opened.error());
  auto cal = opened->svc->Current();

  if (c.years->parsed()) {
    auto years = opened->svc->Years();
    if (!years) return Fail(years.error());
    for (const auto& y : *years) {
      std::cout << y.year << "\t" << y.source << "\t" << y.days << " days\t" << y.sha256 << "\n";
    }
    std::cout << "provisional after " << cal->LastLoadedYear()
              << "-12-31 (ordinary weekends assumed; 此后为暂定结果)\n";
    return 0;
  }
  if (c.is->parsed()) {
    auto d = ArgDate("DATE", c.date, &rc);
    if (!d) return rc;
    auto r = cal->IsWorkingDay(*d);
    if (!r) return BadArg("DATE", r.error().message_zh, r.error().message_en);
    std::cout << (r->value ? "true" : "false") << "\n";
    if (r->provisional) ProvisionalNote(*cal);
    return 0;
  }
  if (c.add->parsed()) {
    auto d = ArgDate("DATE", c.date, &rc);
    if (!d) return rc;
    bool digits =
        !c.n.empty() && c.n.size() <= 9 && c.n.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
      return BadArg("N", "应为非负整数（不超过 50000）：" + c.n,
                    "must be a non-negative integer (at most 50000): " + c.n);
    }
    int64_t n = std::stoll(c.n);
    if (n > 50'000) {
      return BadArg("N", "工作日数过大（不超过 50000）：" + c.n,
                    "too many working days (at most 50000): " + c.n);
    }
    auto r = cal->AddWorkingDays(*d, n);
    if (!r) return BadArg("N", r.error().message_zh, r.error().message_en);
    std::cout << core::FormatDate(r->value) << "\n";
    if (r->provisional) ProvisionalNote(*cal);
    return 0;
  }
  if (c.count->parsed()) {
    auto a = ArgDate("A", c.date, &rc);
    if (!a) return rc;
    auto b = ArgDate("B", c.date2, &rc);
    if (!b) return rc;
    auto r = cal->CountWorkingDays(*a, *b);
    if (!r) return BadArg("B", r.error().message_zh, r.error().message_en);
    std::cout << r->value << "\n";
    if (r->provisional) ProvisionalNote(*cal);
    return 0;
  }
  return 2;
}

}  // namespace zhifa::cli
