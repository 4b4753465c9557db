#include "core/time.h"

#include <gtest/gtest.h>

namespace zhifa::core {
namespace {

TEST(TimeTest, NowIsRecent) {
  const int64_t now = NowMicros();
  EXPECT_GT(now, 1'700'000'000LL * kMicrosPerSecond);  // after 2023-11
  EXPECT_LT(now, 4'102'444'800LL * kMicrosPerSecond);  // before 2100
}

TEST(FormatRfc3339MicrosTest, Formats) {
  EXPECT_EQ(FormatRfc3339Micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339Micros(1'795'780'800'123'456LL), "2026-11-27T12:00:00.123456Z");
  EXPECT_EQ(FormatRfc3339Micros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatRfc3339Micros(951'782'400'000'000LL), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339Micros(253'402'300'799'999'999LL), "9999-12-31T23:59:59.999999Z");
}

TEST(ParseRfc3339Test, ParsesAndRoundTrips) {
  Result<int64_t> r = ParseRfc3339("2026-11-27T12:00:00.123456Z");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 1'795'780'800'123'456LL);
  EXPECT_EQ(*ParseRfc3339("2026-11-27T20:00:00.123456+08:00"), 1'795'780'800'123'456LL);
  EXPECT_EQ(*ParseRfc3339("2026-11-27T07:30:00-04:30"), 1'795'780'800'000'000LL);
  EXPECT_EQ(*ParseRfc3339("2026-11-27t12:00:00z"), 1'795'780'800'000'000LL);
  EXPECT_EQ(*ParseRfc3339("2026-11-27T12:00:00.5Z"), 1'795'780'800'500'000LL);
  EXPECT_EQ(*ParseRfc3339("2026-11-27T12:00:00.123456789Z"), 1'795'780'800'123'456LL);
  EXPECT_EQ(*ParseRfc3339("1969-12-31T23:59:59.999999Z"), -1);
  for (int64_t t : {0LL, -1LL, 1'795'780'800'123'456LL, 951'782'400'000'001LL}) {
    EXPECT_EQ(*ParseRfc3339(FormatRfc3339Micros(t)), t);
  }
}

TEST(ParseRfc3339Test, Rejects) {
  for (const char* bad :
       {"", "2026-11-27", "2026-11-27 12:00:00Z", "2026-11-27T12:00:00", "2026-11-27T12:00Z",
        "2026-11-27T12:00:00.Z", "2026-11-27T12:00:00.1234567890Z", "2026-11-27T12:00:00+0800",
        "2026-11-27T12:00:00+08:00x", "2026-11-27T12:00:00ZZ", "2026-1-27T12:00:00Z",
        "２026-11-27T12:00:00Z"}) {
    Result<int64_t> r = ParseRfc3339(bad, "at");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "at");
  }
  EXPECT_FALSE(ParseRfc3339("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-11-27T24:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-11-27T23:60:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-11-27T12:00:00+24:00"));
  Result<int64_t> leap = ParseRfc3339("2016-12-31T23:59:60Z");
  ASSERT_FALSE(leap);
  EXPECT_NE(leap.error().message_en.find("leap"), std::string::npos);
}

TEST(DateTest, LeapYearsAndMonthLengths) {
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2024, 4), 30);
  EXPECT_EQ(DaysInMonth(2024, 12), 31);
  EXPECT_EQ(DaysInMonth(2024, 13), 0);
  EXPECT_FALSE(IsValidDate(2023, 2, 29));
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2024, 0, 1));
  EXPECT_FALSE(IsValidDate(2024, 1, 0));
}

TEST(DateTest, ParseStrict) {
  Result<Date> d = ParseDate("2026-11-27");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (Date{2026, 11, 27}));
  EXPECT_EQ(*ParseDate("2024-02-29"), (Date{2024, 2, 29}));

  Result<Date> feb30 = ParseDate("2023-02-30", "decided_on");
  ASSERT_FALSE(feb30);
  EXPECT_EQ(feb30.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(feb30.error().field, "decided_on");
  EXPECT_EQ(feb30.error().message_zh, "2023-02-30：2023年2月只有28天");
  EXPECT_EQ(feb30.error().message_en, "2023-02-30: day must be 01..28 in 2023-02");

  Result<Date> month = ParseDate("2023-13-01");
  ASSERT_FALSE(month);
  EXPECT_NE(month.error().message_en.find("month"), std::string::npos);
  EXPECT_FALSE(ParseDate("0000-01-01"));
  for (const char* bad : {"", "2023-2-01", "2023/02/01", "20230201", "2023-02-01T00:00:00Z",
                          " 2023-02-01", "2023-02-0a", "+023-02-01"}) {
    Result<Date> r = ParseDate(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message_en.find("YYYY-MM-DD"), std::string::npos) << bad;
  }
}

TEST(DateTest, FormatAndCompare) {
  EXPECT_EQ(FormatDate(Date{2026, 1, 5}), "2026-01-05");
  EXPECT_EQ(FormatDate(Date{987, 12, 31}), "0987-12-31");
  EXPECT_LT((Date{2026, 1, 31}), (Date{2026, 2, 1}));
  EXPECT_LT((Date{2025, 12, 31}), (Date{2026, 1, 1}));
}

TEST(DateTest, DaysFromCivil) {
  EXPECT_EQ(DaysFromCivil(Date{1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil(Date{1970, 1, 2}), 1);
  EXPECT_EQ(DaysFromCivil(Date{1969, 12, 31}), -1);
  EXPECT_EQ(DaysFromCivil(Date{2000, 3, 1}), 11017);
  EXPECT_EQ(DaysFromCivil(Date{2026, 11, 27}), 20784);
  EXPECT_EQ(DaysFromCivil(Date{1, 1, 1}), -719162);
  EXPECT_EQ(CivilFromDays(20784), (Date{2026, 11, 27}));
  EXPECT_EQ(CivilFromDays(-719162), (Date{1, 1, 1}));
  // Round trip over a wide range, consecutive days.
  Date prev = CivilFromDays(-800000);
  for (int64_t n = -800000 + 1; n <= 800000; n += 1) {
    Date d = CivilFromDays(n);
    ASSERT_TRUE(IsValidDate(d.year, d.month, d.day)) << n;
    ASSERT_EQ(DaysFromCivil(d), n);
    ASSERT_LT(prev, d);
    prev = d;
  }
}

TEST(DateTest, DateFromUnixMicros) {
  // 2026-11-27T16:00:00Z is midnight 2026-11-28 in 北京时间.
  const int64_t t = *ParseRfc3339("2026-11-27T16:00:00Z");
  EXPECT_EQ(DateFromUnixMicros(t), (Date{2026, 11, 28}));
  EXPECT_EQ(DateFromUnixMicros(t - 1), (Date{2026, 11, 27}));
  EXPECT_EQ(DateFromUnixMicros(t, 0), (Date{2026, 11, 27}));
  EXPECT_EQ(DateFromUnixMicros(-1, 0), (Date{1969, 12, 31}));
}

}  // namespace
}  // namespace zhifa::core
