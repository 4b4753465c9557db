#include "core/time.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace zhifa::core {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads `n` ASCII digits at text[pos..pos+n) into *out; false if any is not a digit.
bool ReadDigits(std::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

Error DateError(std::string_view field, std::string zh, std::string en) {
  return Err(ErrorCode::kInvalidArgument, std::move(zh), std::move(en), std::string(field));
}

// Checks y/m/d ranges and returns a precise error for an impossible date.
Status CheckDate(std::string_view text, int y, int m, int d, std::string_view field) {
  std::string t(text);
  if (y < 1) {
    return DateError(field, t + "：年份必须在 0001 至 9999 之间", t + ": year must be 0001..9999");
  }
  if (m < 1 || m > 12) {
    return DateError(field, t + "：月份必须在 01 至 12 之间", t + ": month must be 01..12");
  }
  int dim = DaysInMonth(y, m);
  if (d < 1 || d > dim) {
    return DateError(field,
                     t + "：" + std::to_string(y) + "年" + std::to_string(m) + "月只有" +
                         std::to_string(dim) + "天",
                     t + ": day must be 01.." + std::to_string(dim) + " in " + std::to_string(y) +
                         "-" + (m < 10 ? "0" : "") + std::to_string(m));
  }
  return Ok();
}

}  // namespace

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

bool IsValidDate(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

int64_t DaysFromCivil(const Date& date) {
  int64_t y = date.year;
  const int64_t m = date.month;
  const int64_t d = date.day;
  y -= m <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;                                    // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t doe = days - era * 146097;                                    // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return Date{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

Date DateFromUnixMicros(int64_t micros, int32_t utc_offset_seconds) {
  const int64_t local = micros + static_cast<int64_t>(utc_offset_seconds) * kMicrosPerSecond;
  return CivilFromDays(FloorDiv(local, kMicrosPerDay));
}

std::string FormatDate(const Date& date) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", date.year, date.month, date.day);
  return buf;
}

std::string FormatRfc3339Micros(int64_t micros) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t rem = micros - days * kMicrosPerDay;  // [0, kMicrosPerDay)
  const Date date = CivilFromDays(days);
  const int64_t secs = rem / kMicrosPerSecond;
  const int64_t frac = rem % kMicrosPerSecond;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", date.year, date.month,
                date.day, static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60), static_cast<int>(frac));
  return buf;
}

Result<Date> ParseDate(std::string_view text, std::string_view field) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ReadDigits(text, 0, 4, &y) ||
      !ReadDigits(text, 5, 2, &m) || !ReadDigits(text, 8, 2, &d)) {
    return DateError(field, "日期格式应为 YYYY-MM-DD：" + std::string(text),
                     "date must be formatted YYYY-MM-DD: " + std::string(text));
  }
  ZHIFA_TRY(CheckDate(text, y, m, d, field));
  return Date{y, m, d};
}

Result<int64_t> ParseRfc3339(std::string_view text, std::string_view field) {
  // The text is copied only for an error message (this runs once per entry in `zhifa verify`).
  auto t = [&] { return std::string(text); };
  auto syntax = [&]() {
    return DateError(field, "时间格式应为 RFC 3339（如 2026-11-27T12:00:00Z）：" + t(),
                     "time must be RFC 3339 (e.g. 2026-11-27T12:00:00Z): " + t());
  };
  // date-time = full-date "T" partial-time time-offset
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' ||
      !ReadDigits(text, 0, 4, &y) || !ReadDigits(text, 5, 2, &mo) || !ReadDigits(text, 8, 2, &d) ||
      !ReadDigits(text, 11, 2, &h) || !ReadDigits(text, 14, 2, &mi) ||
      !ReadDigits(text, 17, 2, &s)) {
    return syntax();
  }
  ZHIFA_TRY(CheckDate(text.substr(0, 10), y, mo, d, field));
  if (h > 23 || mi > 59) {
    return DateError(field, "时间超出范围：" + t(), "time of day out of range: " + t());
  }
  if (s == 60) {
    return DateError(field, "不支持闰秒：" + t(), "leap seconds are not supported: " + t());
  }
  if (s > 59) return DateError(field, "秒数超出范围：" + t(), "seconds out of range: " + t());
  size_t pos = 19;
  int64_t frac_micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (digits < 6) frac_micros = frac_micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return syntax();
    for (size_t i = digits; i < 6; ++i) frac_micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (pos + 6 != text.size() || text[pos + 3] != ':' || !ReadDigits(text, pos + 1, 2, &oh) ||
        !ReadDigits(text, pos + 4, 2, &om)) {
      return syntax();
    }
    if (oh > 23 || om > 59) {
      return DateError(field, "时区偏移超出范围：" + t(), "time zone offset out of range: " + t());
    }
    offset_seconds = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return syntax();
  }
  if (pos != text.size()) return syntax();
  const int64_t days = DaysFromCivil(Date{y, mo, d});
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_seconds;
  return secs * kMicrosPerSecond + frac_micros;
}

}  // namespace zhifa::core
