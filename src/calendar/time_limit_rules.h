// zhifa::calendar — the statutory time limits (法定时限) as one rule table, and the pure
// computations over it: a deadline from (rule, start, calendar, adjustment, paused intervals),
// the validation of department/sector overrides and of case extensions, and the late-payment
// surcharge (加处罚款) of 行政处罚法 第72、73条 in integer fen.
//
// The table is a C++ table (time_limit_rules.cc), not a data file: every row is a legal rule that
// changes only with a law or a policy document, a change needs review and a test row anyway, and
// the compiler checks each field (a misspelt day type cannot reach production). What is
// legitimately local — a sector's own decision period, Decree 310's day type — is a department
// override stored in the database (calendar_service), validated here against what the rule
// allows.
//
// No I/O. Thread-safety: the table is immutable; all functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/result.h"
#include "core/time.h"

namespace zhifa::calendar {

// How a period is counted.
enum class DayType {
  kWorking,   // working days (工作日) per the loaded calendar; the start day is not counted
  kCalendar,  // calendar days (自然日); the start day is not counted
  kHours,     // hours from the start instant
};
const char* DayTypeName(DayType t);
std::optional<DayType> ParseDayType(std::string_view s);

enum class PeriodUnit { kDay, kHour, kYear };
const char* PeriodUnitName(PeriodUnit u);

// What happens when the period expires.
enum class ExpiryAction {
  kWarn,         // remind the responsible officer (the act is still possible, late)
  kBlock,        // the act may no longer be taken (e.g. limitation: no penalty)
  kFlagOverdue,  // mark the matter overdue for supervision (监督) and, where the law says so,
                 // trigger the consequence (release of seized goods, surcharge)
};
const char* ExpiryActionName(ExpiryAction a);

// What a department or sector may change through a stored override.
enum class OverrideKind {
  kNone,    // fixed by the law: no override
  kPeriod,  // a sector rule sets its own period (e.g. 行政处罚法 第60条 "另有规定的，从其规定")
  kDayType,  // working vs calendar days is a local choice (Decree 310: unclear in the text)
};
const char* OverrideKindName(OverrideKind k);

struct TimeLimitRule {
  const char* id;
  const char* name_zh;
  const char* name_en;
  const char* start_event_zh;  // the event that starts the period
  const char* start_event_en;
  DayType day_type;
  PeriodUnit unit;
  int amount;
  // true: the deadline lies `amount` BEFORE the starting event (e.g. the hearing notice must be
  // sent at least 7 working days before the hearing); the answer is the last permitted day.
  bool before;
  ExpiryAction on_expiry;
  const char* law_zh;      // e.g. "行政处罚法"
  const char* article_zh;  // e.g. "第六十条"
  // A case may extend the period once by at most `extension_max` (same unit) with approval;
  // 0 = no extension. `extension_basis_zh` names the article.
  int extension_max;
  const char* extension_basis_zh;
  // Department/sector override.
  OverrideKind override_kind;
  int override_min;  // kPeriod: allowed range of the sector period
  int override_max;
  const char* override_note_zh;
  // Calendar-day and year periods that end on a day off roll to the next working day (see
  // DeadlineInput::roll); false where the rule is about a fixed instant or a deadline of ours.
  bool roll;
  const char* note_zh;  // the legal-facts status or a remark (e.g. "reported", "inference")
};

// The whole table, in display order. Ids are unique (checked by a unit test).
const std::vector<TimeLimitRule>& TimeLimitRules();
// The rule with `id`, or kNotFound naming field `field`.
core::Result<const TimeLimitRule*> FindRule(std::string_view id, std::string_view field = "rule");
// "《行政处罚法》第六十条"
std::string Citation(const TimeLimitRule& r);

// A department/sector override as stored (validated by CheckOverride).
struct Override {
  OverrideKind kind = OverrideKind::kNone;
  int amount = 0;                        // kPeriod
  DayType day_type = DayType::kWorking;  // kDayType
};

// Checks an override against the rule. Errors (kInvalidArgument): the rule may not be overridden
// (field "kind", the message names the article); a kind the rule does not allow (field "kind");
// an amount outside override_min..override_max (field "amount"); a day type other than working
// or calendar (field "day_type").
core::Status CheckOverride(const TimeLimitRule& r, const Override& o);

// Checks a case extension: 0 ≤ ext ≤ extension_max. Errors name field "extension" and, beyond
// the maximum, the article that caps it.
core::Status CheckExtension(const TimeLimitRule& r, int64_t ext);

// A paused or excluded interval (both ends inclusive for dates; [from, to) for instants).
struct DateInterval {
  core::Date from;
  core::Date to;
};
struct InstantInterval {
  int64_t from_micros;
  int64_t to_micros;
};

struct DeadlineInput {
  const TimeLimitRule* rule = nullptr;
  core::Date start_date;              // day-based rules: the day of the starting event
  int64_t start_micros = 0;           // hour-based rules: the instant of the starting event
  std::optional<Override> override_;  // the department's override, already validated
  int64_t extension = 0;              // approved case extension (CheckExtension)
  std::vector<DateInterval> paused_days;  // e.g. testing time (行政强制法 第25条) — not counted
  std::vector<InstantInterval> paused_instants;  // hour-based rules
  // Roll a calendar-day/year deadline that falls on a day off to the next working day. Default:
  // the rule's `roll` (true for calendar periods). The law does not say so expressly; legal-facts
  // §1.1 reports it as the civil-procedure rule applied by analogy (unverified): configurable.
  std::optional<bool> roll;
};

struct Deadline {
  const TimeLimitRule* rule = nullptr;
  DayType day_type = DayType::kWorking;  // after the override
  int amount = 0;                        // after the override and extension
  core::Date due_date;                   // the last day of the period (day-based rules)
  std::optional<int64_t> due_micros;     // hour-based rules: the instant the period ends
  bool rolled = false;                   // moved off a day off by the roll rule
  bool provisional = false;              // depended on a year with no loaded arrangement
  int64_t paused_days = 0;               // days (or working days) not counted
  ExpiryAction on_expiry = ExpiryAction::kWarn;
};

// Computes the deadline. Errors: a start or result outside the calendar span; an invalid
// interval (to before from; field "paused"); an extension or override that does not fit the
// rule (as CheckExtension / CheckOverride).
core::Result<Deadline> ComputeDeadline(const DeadlineInput& in, const core::WorkingCalendar& cal);

// The last day of a period of `years` years from `start` (the same month and day; 29 February
// → 28 February in a common year).
core::Date AddYears(const core::Date& start, int years);

// 行政处罚法 第72条: 3% of the fine per day overdue, the total capped at the fine; 第73条: not
// counted while 复议 or 诉讼 is pending (paused intervals, inclusive).
struct SurchargeInput {
  int64_t fine_fen = 0;  // > 0
  core::Date due_date;   // the last day to pay (from rule "penalty.payment")
  core::Date as_of;      // the day the surcharge is computed for
  std::vector<DateInterval> paused;
};
struct Surcharge {
  int64_t overdue_days = 0;  // days after due_date up to as_of, minus paused days
  int64_t paused_days = 0;
  int64_t surcharge_fen = 0;  // min(fine, floor(fine × 3% × overdue_days))
  bool capped = false;
  int64_t total_fen = 0;  // fine + surcharge
};
inline constexpr int kSurchargePermillePerDay = 30;  // 3% a day (行政处罚法 第72条第1款第1项)
core::Result<Surcharge> ComputeSurcharge(const SurchargeInput& in);

}  // namespace zhifa::calendar
