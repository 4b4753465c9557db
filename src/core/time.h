// Time and calendar-date helpers: microsecond timestamps, RFC 3339, proleptic Gregorian dates.
//
// Timestamps are int64 microseconds since 1970-01-01T00:00:00Z (Unix epoch, no leap seconds).
// Dates use the proleptic Gregorian calendar (the 公历 used by GB/T 7408). All functions are pure
// except NowMicros(); all are thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace zhifa::core {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// 北京时间 (UTC+8), the legal time of every deadline in this system.
inline constexpr int32_t kChinaUtcOffsetSeconds = 8 * 3600;

// Returns the system clock as microseconds since the Unix epoch.
int64_t NowMicros();

// Formats `micros` as "YYYY-MM-DDTHH:MM:SS.ffffffZ" (always 6 fractional digits, UTC), e.g.
// "2026-11-27T12:00:00.123456Z". Negative values are formatted correctly (floor division).
// Years outside 0000..9999 are outside RFC 3339; they are printed with as many digits as needed.
std::string FormatRfc3339Micros(int64_t micros);

// Parses an RFC 3339 date-time ("2026-11-27T12:00:00Z", "2026-11-27T20:00:00.5+08:00";
// 't'/'z' in lower case are accepted per RFC 3339 §5.6 note) and returns microseconds since the
// epoch. Fractions longer than 6 digits (up to 9) are truncated toward the past.
// Error kInvalidArgument (with `field`) on any syntax error, an impossible date or time,
// a leap second (":60", not representable here) or an offset beyond ±23:59.
Result<int64_t> ParseRfc3339(std::string_view text, std::string_view field = {});

// A calendar date (proleptic Gregorian). Plain value; compare with <, ==.
struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..DaysInMonth(year, month)

  friend auto operator<=>(const Date&, const Date&) = default;
};

bool IsLeapYear(int year);
// Returns 28..31, or 0 when month is not in 1..12.
int DaysInMonth(int year, int month);
// True iff month is 1..12 and day is 1..DaysInMonth(year, month).
bool IsValidDate(int year, int month, int day);

// Parses exactly "YYYY-MM-DD" (10 ASCII characters, year 0001..9999). Error kInvalidArgument
// with `field` and a message naming the problem, e.g. "2023-02-30: 2023年2月只有28天".
Result<Date> ParseDate(std::string_view text, std::string_view field = {});

// Formats as "YYYY-MM-DD" (zero-padded to 4 year digits).
std::string FormatDate(const Date& date);

// Days since 1970-01-01 (negative before it). Precondition: the date is valid.
// Algorithm: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil.
int64_t DaysFromCivil(const Date& date);
// Inverse of DaysFromCivil.
Date CivilFromDays(int64_t days);

// The calendar date at instant `micros` in the zone `utc_offset_seconds` east of UTC
// (kChinaUtcOffsetSeconds for 北京时间).
Date DateFromUnixMicros(int64_t micros, int32_t utc_offset_seconds = kChinaUtcOffsetSeconds);

}  // namespace zhifa::core
