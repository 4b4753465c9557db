// zhifa::calendar::CalendarService — the working-day calendar in use and the time-limit
// overrides.
//
// The calendar in use is built from the years shipped in the binary (data/holidays, holiday-cn
// 2007–2026) plus the years an administrator loaded into the database (table calendar_years; a
// database year replaces the shipped one). Loading a year is a command (event
// "calendar.year_loaded" with the year, the file's SHA-256 and who loaded it); after the commit
// the in-memory calendar is rebuilt and swapped atomically (readers keep the calendar they hold).
// Every load bumps counters.calendar_version; another node (PostgreSQL, several nodes) compares
// that version with its own at most every `refresh_interval` on the request path and rebuilds
// when it changed, so a year loaded on one node is used by all within a few seconds.
//
// Overrides of the time-limit table per department (time_limit_overrides) are commands too
// (events "time_limit.override_set" / "time_limit.override_removed"), validated by the pure
// rules (CheckOverride). Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calendar/time_limit_rules.h"
#include "core/calendar.h"
#include "org/principal.h"
#include "record/command_bus.h"
#include "store/database.h"

namespace zhifa::calendar {

struct YearInfo {
  int year = 0;
  std::string source;  // "embedded" | "database"
  int days = 0;        // listed days
  int off_days = 0;
  int makeup_days = 0;
  std::string sha256;
  std::string loaded_at;  // database years
  std::vector<std::string> papers;
};

struct LoadResult {
  int year = 0;
  std::string sha256;
  int days = 0;
  bool replaced = false;
};

struct StoredOverride {
  int64_t id = 0;
  std::string rule_id;
  int64_t unit_id = 0;
  std::string unit_name;
  Override value;
  std::string reason;
  std::string basis;
  int64_t version = 0;
  nlohmann::json ToJson() const;
};

struct NewOverride {
  std::string rule_id;
  int64_t unit_id = 0;
  std::string kind;      // "period" | "day_type"
  int64_t amount = 0;    // period
  std::string day_type;  // day_type
  std::string reason;
  std::string basis;
};

class CalendarService {
 public:
  // Builds the calendar from the shipped years and, when `db` is given, the database years.
  // `db` may be null (the CLI without a database): then only shipped years are used and loads
  // are refused. Errors: a shipped file that does not parse (a build defect), a database error.
  static core::Result<std::unique_ptr<CalendarService>> Open(
      store::Database* db, record::CommandBus* bus,
      std::chrono::milliseconds refresh_interval = std::chrono::seconds(5));

  // The calendar in use. Polls the database version at most every refresh_interval (multi-node).
  std::shared_ptr<const core::WorkingCalendar> Current();

  // Rebuilds from the shipped and database years and swaps the calendar in use.
  core::Status Reload();

  // Parses, validates and stores a year's arrangement. Errors: the parser's (line and field);
  // kConflict (field "replace") when the year is already loaded (shipped or database) and
  // `replace` is false; kUnavailable without a database.
  // `origin` says where the load came from: "http", or "cli:<OS user>" (the CLI acts as the
  // system, so the entry names the operating-system user).
  core::Result<LoadResult> LoadYear(const record::Actor& actor, std::string_view text, bool replace,
                                    const std::string& origin = "http");

  // Every loaded year with its source, ascending.
  core::Result<std::vector<YearInfo>> Years();

  // Overrides.
  core::Result<std::vector<StoredOverride>> ListOverrides();
  core::Result<std::optional<Override>> FindOverride(const std::string& rule_id, int64_t unit_id);
  // The override of `rule_id` for `unit_id`, if any; kNotFound (field "unit_id") when the unit
  // does not exist. The second form reads inside the caller's transaction (one snapshot with
  // the caller's other reads: the case step path).
  core::Result<std::optional<Override>> FindOverride(store::Conn& c, const std::string& rule_id,
                                                     int64_t unit_id);
  // FindOverride for several rules at once (one unit check, one query): the override of each of
  // `rule_ids`, in their order.
  core::Result<std::vector<std::optional<Override>>> FindOverrides(
      store::Conn& c, const std::vector<std::string>& rule_ids, int64_t unit_id);
  // Creates or replaces the override of (rule, unit). Errors: unknown rule (field "rule_id"),
  // an override the rule does not allow (CheckOverride), an empty reason or basis (fields
  // "reason", "basis"); kNotFound (field "unit_id") for a unit that does not exist or lies
  // outside `scope` (the caller's data scope; the two answers are the same).
  core::Result<StoredOverride> SetOverride(const record::Actor& actor,
                                           const org::ScopeFilter& scope, const NewOverride& in);
  // Removes an override. Error kNotFound (field "id"), also when its unit is outside `scope`.
  core::Status RemoveOverride(const record::Actor& actor, const org::ScopeFilter& scope,
                              int64_t id);

  int64_t version() const { return version_.load(); }

 private:
  CalendarService(store::Database* db, record::CommandBus* bus, std::chrono::milliseconds iv)
      : db_(db), bus_(bus), refresh_interval_(iv) {}
  core::Result<int64_t> ReadVersion();

  store::Database* db_;
  record::CommandBus* bus_;
  std::chrono::milliseconds refresh_interval_;
  std::vector<core::HolidayYear> shipped_;
  std::vector<std::string> shipped_sha_;
  std::mutex mu_;  // guards current_ (swap) and the refresh
  std::shared_ptr<const core::WorkingCalendar> current_;
  std::atomic<int64_t> version_{-1};
  std::atomic<int64_t> next_check_ns_{0};
  std::mutex reload_mu_;
};

// Converts a record actor from a principal (user 0 = the system).
record::Actor ActorOf(const org::Principal& p);

}  // namespace zhifa::calendar
