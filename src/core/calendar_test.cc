#include "core/calendar.h"

#include <gtest/gtest.h>

namespace zhifa::embed {
std::span<const core::EmbeddedFile> core_test_data();
}

namespace zhifa::core {
namespace {

Date D(std::string_view s) { return ParseDate(s).value(); }

std::shared_ptr<const WorkingCalendar> Shipped() {
  static auto cal = [] {
    auto years = ParseEmbeddedHolidays(embed::core_test_data());
    EXPECT_TRUE(years.ok()) << (years.ok() ? "" : years.error().message_en);
    return WorkingCalendar::Build(*years);
  }();
  return cal;
}

TEST(Calendar, ShipsYears2007To2026AndSkipsThePlaceholder) {
  auto c = Shipped();
  ASSERT_EQ(c->LoadedYears().size(), 20u);
  EXPECT_EQ(c->LoadedYears().front(), 2007);
  EXPECT_EQ(c->LastLoadedYear(), 2026);
  EXPECT_FALSE(c->IsLoaded(2027));  // 2027.json has no days
}

TEST(Calendar, IsWorkingDayAroundNationalDay2025) {
  auto c = Shipped();
  // 国庆+中秋 2025: 10-01..10-08 off; 09-28 (Sunday) and 10-11 (Saturday) are make-up days.
  EXPECT_FALSE(c->IsWorkingDay(D("2025-10-01"))->value);
  EXPECT_FALSE(c->IsWorkingDay(D("2025-10-08"))->value);
  EXPECT_TRUE(c->IsWorkingDay(D("2025-10-09"))->value);
  EXPECT_TRUE(c->IsWorkingDay(D("2025-09-28"))->value);
  EXPECT_TRUE(c->IsWorkingDay(D("2025-10-11"))->value);
  EXPECT_FALSE(c->IsWorkingDay(D("2025-10-12"))->value);  // ordinary Sunday
  EXPECT_EQ(c->Kind(D("2025-10-01")), DayKind::kHoliday);
  EXPECT_EQ(c->Kind(D("2025-09-28")), DayKind::kMakeup);
  EXPECT_EQ(c->Kind(D("2025-10-12")), DayKind::kWeekend);
  EXPECT_EQ(c->Kind(D("2025-10-09")), DayKind::kWorkday);
  EXPECT_EQ(c->Name(D("2025-10-01")), "国庆节、中秋节");
  EXPECT_FALSE(c->IsWorkingDay(D("2025-10-01"))->provisional);
}

TEST(Calendar, AddWorkingDaysAcrossSpringFestival2026) {
  auto c = Shipped();
  // 春节 2026: 02-15..02-23 off; 02-14 (Sat) and 02-28 (Sat) are make-up days.
  auto r = c->AddWorkingDays(D("2026-02-12"), 1);  // Thursday → Friday 13th
  EXPECT_EQ(FormatDate(r->value), "2026-02-13");
  r = c->AddWorkingDays(D("2026-02-12"), 2);  // → Saturday 14th (make-up)
  EXPECT_EQ(FormatDate(r->value), "2026-02-14");
  r = c->AddWorkingDays(D("2026-02-12"), 3);  // holiday 15..23 → 24th
  EXPECT_EQ(FormatDate(r->value), "2026-02-24");
  r = c->AddWorkingDays(D("2026-02-12"), 5);  // 3 → 24th, 4 → 25th, 5 → 26th
  EXPECT_EQ(FormatDate(r->value), "2026-02-26");
  EXPECT_FALSE(r->provisional);
}

TEST(Calendar, AddWorkingDaysAcrossNationalDay2025) {
  auto c = Shipped();
  // 7 working days after Tuesday 2025-09-30: 10-09, 10, 11 (Sat, make-up), 13, 14, 15, 16.
  auto r = c->AddWorkingDays(D("2025-09-30"), 7);
  EXPECT_EQ(FormatDate(r->value), "2025-10-16");
  // 5 working days after Friday 2025-09-26: 28 (Sun make-up), 29, 30, 10-09, 10-10.
  r = c->AddWorkingDays(D("2025-09-26"), 5);
  EXPECT_EQ(FormatDate(r->value), "2025-10-10");
}

TEST(Calendar, ZeroWorkingDaysIsTheStartDayItself) {
  auto c = Shipped();
  EXPECT_EQ(FormatDate(c->AddWorkingDays(D("2025-10-01"), 0)->value), "2025-10-01");
  EXPECT_EQ(FormatDate(c->AddWorkingDays(D("2025-10-09"), 0)->value), "2025-10-09");
}

TEST(Calendar, NegativeNIsRejectedNamingN) {
  auto r = Shipped()->AddWorkingDays(D("2025-10-01"), -1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "n");
}

TEST(Calendar, CountIsHalfOpenAndInverseOfAdd) {
  auto c = Shipped();
  EXPECT_EQ(c->CountWorkingDays(D("2025-09-30"), D("2025-10-16"))->value, 7);
  EXPECT_EQ(c->CountWorkingDays(D("2025-10-01"), D("2025-10-01"))->value, 0);
  EXPECT_EQ(c->CountWorkingDays(D("2025-10-08"), D("2025-10-09"))->value, 1);
  // 2025: 261 weekdays − 18 weekday days off (元旦 1, 春节 6, 清明 1, 劳动节 3, 端午 1, 国庆 6)
  // + 5 make-up weekend days = 248.
  EXPECT_EQ(c->CountWorkingDays(D("2024-12-31"), D("2025-12-31"))->value, 248);
  for (const char* s : {"2007-01-05", "2016-02-06", "2024-09-29", "2026-12-30"}) {
    for (int n : {1, 3, 7, 20, 90}) {
      auto a = c->AddWorkingDays(D(s), n);
      EXPECT_EQ(c->CountWorkingDays(D(s), a->value)->value, n) << s << " " << n;
    }
  }
  auto bad = c->CountWorkingDays(D("2025-10-02"), D("2025-10-01"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "to");
}

TEST(Calendar, BeyondTheLastLoadedYearIsProvisional) {
  auto c = Shipped();
  auto r = c->AddWorkingDays(D("2026-12-28"), 5);  // runs into 2027 (not loaded)
  EXPECT_TRUE(r->provisional);
  EXPECT_EQ(FormatDate(r->value), "2027-01-04");  // ordinary weekends in 2027
  EXPECT_TRUE(c->IsWorkingDay(D("2027-03-01"))->provisional);
  EXPECT_FALSE(c->IsWorkingDay(D("2026-12-31"))->provisional);
  EXPECT_TRUE(c->CountWorkingDays(D("2026-12-01"), D("2027-01-10"))->provisional);
  EXPECT_TRUE(c->IsWorkingDay(D("2000-05-01"))->provisional);  // before 2007: no data
}

TEST(Calendar, LoadingANewYearRemovesTheProvisionalFlag) {
  auto years = ParseEmbeddedHolidays(embed::core_test_data()).value();
  auto y2027 = ParseHolidayFile(R"({"year": 2027, "papers": [], "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]})");
  ASSERT_TRUE(y2027.ok());
  years.push_back(*y2027);
  auto c = WorkingCalendar::Build(years);
  EXPECT_EQ(c->LastLoadedYear(), 2027);
  auto r = c->AddWorkingDays(D("2026-12-30"), 2);  // 31st, then 1 Jan off → Monday 4 Jan
  EXPECT_FALSE(r->provisional);
  EXPECT_EQ(FormatDate(r->value), "2027-01-04");
}

TEST(Calendar, DaysOfTheAdjacentYearAreKeyedByTheirOwnDate) {
  auto c = Shipped();
  // The 2019 notice lists 2018-12-29 (Saturday, make-up) and 2018-12-30/31 (off).
  EXPECT_TRUE(c->IsWorkingDay(D("2018-12-29"))->value);
  EXPECT_FALSE(c->IsWorkingDay(D("2018-12-31"))->value);
  // The 2007 notice lists 2006-12-30/31; 2006 itself is not loaded → provisional.
  EXPECT_TRUE(c->IsWorkingDay(D("2006-12-30"))->value);
  EXPECT_TRUE(c->IsWorkingDay(D("2006-12-30"))->provisional);
}

TEST(Calendar, SpanLimits) {
  auto c = Shipped();
  EXPECT_FALSE(c->IsWorkingDay(D("1948-12-31")).ok());
  EXPECT_FALSE(c->AddWorkingDays(D("2200-12-30"), 5).ok());
  auto r = c->AddWorkingDays(D("2025-01-01"), 10'000'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "n");
  EXPECT_TRUE(c->IsWorkingDay(D("1949-10-01")).ok());
}

TEST(HolidayFile, RejectsAWrongTypeNamingLineAndField) {
  auto r = ParseHolidayFile(
      "{\n  \"year\": 2027,\n  \"papers\": [],\n  \"days\": [\n"
      "    {\"name\": \"元旦\", \"date\": \"2027-01-01\", \"isOffDay\": true},\n"
      "    {\"name\": \"春节\", \"date\": \"2027-02-06\",\n     \"isOffDay\": \"yes\"}\n  ]\n}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "days[1].isOffDay");
  EXPECT_EQ(r.error().message_zh, "第7行 days[1].isOffDay: 应为布尔值（实为字符串）");
  EXPECT_EQ(r.error().message_en, "line 7 days[1].isOffDay: expected a boolean (got a string)");
}

TEST(HolidayFile, ValidatesMeaning) {
  struct Case {
    const char* text;
    const char* field;
  };
  const Case cases[] = {
      {R"({"year": 2027, "days": [{"name": "x", "date": "2027-02-30", "isOffDay": true}]})",
       "days[0].date"},
      {R"({"year": 2027, "days": [{"name": "x", "date": "2027-01-01", "isOffDay": true},
          {"name": "y", "date": "2027-01-01", "isOffDay": true}]})",
       "days[1].date"},
      // 2027-01-04 is a Monday: it cannot be a make-up working day.
      {R"({"year": 2027, "days": [{"name": "x", "date": "2027-01-04", "isOffDay": false}]})",
       "days[0].isOffDay"},
      {R"({"year": 2027, "days": [{"name": "x", "date": "2025-10-01", "isOffDay": true}]})",
       "days[0].date"},
      {R"({"year": 2027, "days": []})", "days"},
      {R"({"year": 2027, "days": [{"name": "x", "date": "2027-01-01", "isOffDay": true, "a": 1}]})",
       "days[0].a"},
      {R"({"year": "2027", "days": []})", "year"},
      {R"({"year": 1800, "days": []})", "year"},
      {R"({"days": []})", "year"},
      {R"({"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": true}]})", "days[0].name"},
      {R"({"year": 2027, "days": [{"name": "x", "date": "2027-01-01", "isOffDay": true}], "x": 1})",
       "x"},
      {R"({"year": 2027, "days": [)", "file"},
  };
  for (const auto& c : cases) {
    auto r = ParseHolidayFile(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().field, c.field) << c.text;
  }
}

TEST(HolidayFile, AcceptsTheHolidayCnShapeWithAdjacentDecember) {
  auto r = ParseHolidayFile(R"({"$schema": "s", "$id": "i", "year": 2027,
    "papers": ["https://www.gov.cn/x"],
    "days": [{"name": "元旦", "date": "2026-12-31", "isOffDay": true},
             {"name": "\u5143\u65e6", "date": "2027-01-01", "isOffDay": true}]})");
  ASSERT_TRUE(r.ok()) << r.error().message_en;
  EXPECT_EQ(r->year, 2027);
  EXPECT_EQ(r->days.size(), 2u);
  EXPECT_EQ(r->days[1].name, "元旦");
  EXPECT_EQ(r->papers.size(), 1u);
}

}  // namespace
}  // namespace zhifa::core
