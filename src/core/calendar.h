// zhifa::core::WorkingCalendar — the working-day calendar (工作日历) of the People's Republic of
// China: ordinary Monday–Friday working weeks changed by the State Council's yearly holiday
// arrangement (国务院办公厅 部分节假日安排的通知), including make-up working days (调休上班).
//
// A calendar is built once from a set of yearly arrangements (HolidayYear) into precomputed
// tables over the fixed span kFirstYear-01-01 .. kLastYear-12-31: a working-day flag per day, a
// prefix count of working days, the index of every working day and a prefix count of days not
// covered by a loaded arrangement. IsWorkingDay, AddWorkingDays and CountWorkingDays are then
// O(1). A built calendar is immutable: share it as std::shared_ptr<const WorkingCalendar> and
// swap the pointer to load a new year (see calendar/calendar_service.h).
//
// Covered days and the provisional flag: a year is "loaded" when its arrangement has at least one
// day (holiday-cn ships empty placeholders such as 2027.json: they are treated as missing). Every
// day of a year that is not loaded is computed as an ordinary week (Saturday and Sunday off) and
// any answer that depends on such a day is marked provisional.
//
// Files are keyed by the notice's year but may list dates of the adjacent year (the 2007 notice
// lists 2006-12-30/31): each day is applied by its own date. When two loaded files list the same
// date, the file of the later year wins.
//
// Thread-safety: a built WorkingCalendar is immutable and safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/embedded.h"
#include "core/result.h"
#include "core/time.h"

namespace zhifa::core {

// One listed day of an arrangement: a holiday (off = true) or a make-up working day (off = false).
struct HolidayDay {
  Date date;
  bool off = true;
  std::string name;  // e.g. "春节"
};

// One year's arrangement in the holiday-cn shape.
struct HolidayYear {
  int year = 0;
  std::vector<std::string> papers;  // URLs of the State Council notices
  std::vector<HolidayDay> days;
};

// Parses and validates a holiday-cn file ({"year", "papers", "days": [{"name", "date",
// "isOffDay"}]}; "$schema" and "$id" are accepted and ignored). Errors are kInvalidArgument with
// field set to the JSON path (e.g. "days[3].isOffDay") and messages that name the line:
// "第12行 days[3].isOffDay: 应为布尔值" / "line 12 days[3].isOffDay: expected a boolean".
// Checks: well-formed JSON; the shape (no unknown keys, types); "year" in kFirstYear..kLastYear;
// at least one day (an empty placeholder is not a published arrangement); each date is a real
// date between December of year−1 and January of year+1; no duplicate date; a make-up working
// day (isOffDay=false) falls on a Saturday or Sunday; a name is 1..200 bytes.
// With `shipped` (the files in the binary, kept exactly as holiday-cn publishes them), an empty
// "days" array is accepted (the year is then not loaded by Build) and a weekday listed with
// isOffDay=false is accepted as a redundant entry (2020.json lists Monday 2020-02-03, the first
// working day after the extended 2020 春节 break); uploads are checked strictly.
Result<HolidayYear> ParseHolidayFile(std::string_view text, bool shipped = false);

// Parses every "holidays/<year>.json" of an embedded group (the files shipped in the binary),
// skipping empty placeholders. Error: the first invalid file, its path in the message.
Result<std::vector<HolidayYear>> ParseEmbeddedHolidays(std::span<const EmbeddedFile> files);

// The kind of a day in the calendar (for the month view).
enum class DayKind {
  kWorkday,  // an ordinary Monday–Friday working day
  kWeekend,  // an ordinary Saturday or Sunday
  kHoliday,  // a listed day off (法定节假日 or 调休 rest day)
  kMakeup,   // a listed make-up working day on a weekend (调休上班)
};
const char* DayKindName(DayKind k);

template <typename T>
struct CalendarAnswer {
  T value;
  bool provisional = false;  // depends on a day of a year with no loaded arrangement
};

class WorkingCalendar {
 public:
  static constexpr int kFirstYear = 1949;
  static constexpr int kLastYear = 2200;

  // Builds the tables. Years outside the span are ignored; a year with no days is not loaded.
  static std::shared_ptr<const WorkingCalendar> Build(const std::vector<HolidayYear>& years);

  // True iff `d` lies in the span kFirstYear-01-01 .. kLastYear-12-31.
  static bool InSpan(const Date& d);
  // kInvalidArgument naming `field` when `d` is outside the span.
  static Status CheckSpan(const Date& d, std::string_view field);

  // Whether `d` is a working day. Error when d is outside the span (field `field`).
  Result<CalendarAnswer<bool>> IsWorkingDay(const Date& d, std::string_view field = "date") const;

  // The n-th working day strictly after `d` (the start day is not counted — 行政处罚法 第85条
  // counts periods in working days; 民事诉讼法 期间 rule: the start day is not counted).
  // n = 0 answers `d` itself (a period of zero days ends where it starts, whatever kind of day
  // `d` is). Errors: n < 0 (field "n"); the result beyond the span (field "n"); d outside the
  // span (field `field`).
  Result<CalendarAnswer<Date>> AddWorkingDays(const Date& d, int64_t n,
                                              std::string_view field = "date") const;

  // The n-th working day strictly before `d` (for "notify N working days before" rules); n = 0
  // answers `d`. Errors as AddWorkingDays.
  Result<CalendarAnswer<Date>> SubtractWorkingDays(const Date& d, int64_t n,
                                                   std::string_view field = "date") const;

  // The number of working days in (a, b]. Error when b < a (field "to") or either date is
  // outside the span.
  Result<CalendarAnswer<int64_t>> CountWorkingDays(const Date& a, const Date& b) const;

  // The first working day on or after `d` (the roll rule for calendar periods).
  Result<CalendarAnswer<Date>> NextWorkingDayOnOrAfter(const Date& d,
                                                       std::string_view field = "date") const;

  // Unchecked O(1) variants over day numbers (DaysFromCivil). Preconditions: in the span, and
  // for AddUnchecked the result is in the span. For benchmarks and tight loops.
  bool IsWorkingUnchecked(int64_t day) const { return working_[Index(day)] != 0; }
  int64_t AddUnchecked(int64_t day, int64_t n) const;
  int64_t CountUnchecked(int64_t a, int64_t b) const { return cum_[Index(b)] - cum_[Index(a)]; }
  // Whether any day in [a, b] (day numbers, a ≤ b, in span) is not covered by a loaded year.
  bool AnyUncovered(int64_t a, int64_t b) const;

  DayKind Kind(const Date& d) const;           // precondition: in span
  std::string_view Name(const Date& d) const;  // holiday/make-up name, or empty

  // Years with a loaded arrangement, ascending.
  const std::vector<int>& LoadedYears() const { return loaded_years_; }
  bool IsLoaded(int year) const;
  // The last loaded year, or 0 when none.
  int LastLoadedYear() const { return loaded_years_.empty() ? 0 : loaded_years_.back(); }

 private:
  WorkingCalendar() = default;
  static int64_t SpanStart();  // DaysFromCivil(kFirstYear-01-01)
  static int64_t SpanEnd();    // DaysFromCivil(kLastYear-12-31)
  int64_t Index(int64_t day) const { return day - first_day_; }

  int64_t first_day_ = 0;
  int64_t size_ = 0;
  std::vector<uint8_t> working_;                        // 1 = working day
  std::vector<uint8_t> listed_;                         // 0 none, 1 listed off, 2 listed make-up
  std::vector<int32_t> cum_;                            // working days in [span start, i]
  std::vector<int32_t> work_index_;                     // k → index of the (k+1)-th working day
  std::vector<int32_t> uncovered_;                      // days of unloaded years in [span start, i]
  std::vector<std::pair<int32_t, std::string>> names_;  // sorted by index
  std::vector<int> loaded_years_;
};

}  // namespace zhifa::core
