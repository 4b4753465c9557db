#include "calendar/time_limit_rules.h"

#include <gtest/gtest.h>

#include <set>

#include "core/embedded.h"

namespace zhifa::embed {
std::span<const core::EmbeddedFile> calendar_test_data();
}

namespace zhifa::calendar {
namespace {

using core::Date;

Date D(std::string_view s) { return core::ParseDate(s).value(); }

const core::WorkingCalendar& Cal() {
  static auto cal = core::WorkingCalendar::Build(
      core::ParseEmbeddedHolidays(embed::calendar_test_data()).value());
  return *cal;
}

struct Row {
  const char* rule;
  const char* start;  // date, or RFC 3339 instant for hour rules
  int64_t extension;
  std::vector<DateInterval> paused;
  std::optional<Override> ovr;
  const char* due;  // date, or RFC 3339 instant
  bool rolled;
};

// One row (at least) per rule, on concrete dates around 国庆 2025 and 春节 2026.
TEST(TimeLimits, EveryRuleHasARow) {
  const std::vector<Row> rows = {
      // 90 days after 2025-07-04 is 2025-10-02 (国庆) → rolls to 2025-10-09.
      {"penalty.decision", "2025-07-04", 0, {}, {}, "2025-10-09", true},
      // A sector period of 120 days: 2025-11-01 (Saturday) → Monday 2025-11-03.
      {"penalty.decision",
       "2025-07-04",
       0,
       {},
       Override{OverrideKind::kPeriod, 120},
       "2025-11-03",
       true},
      // 5 working days after Friday 2025-09-26: 28 (Sunday, make-up), 29, 30, 10-09, 10-10.
      {"penalty.statement", "2025-09-26", 0, {}, {}, "2025-10-10", false},
      // A sector statement period of 3 working days: 28 (make-up), 29, 30.
      {"penalty.statement",
       "2025-09-26",
       0,
       {},
       Override{OverrideKind::kPeriod, 3},
       "2025-09-30",
       false},
      {"penalty.hearing_request", "2025-09-26", 0, {}, {}, "2025-10-10", false},
      // Hearing on 2025-10-16: 7 working days before → 2025-09-30 (10-11 is a make-up day).
      {"penalty.hearing_notice", "2025-10-16", 0, {}, {}, "2025-09-30", false},
      // 7 working days after 2026-02-12: 13, 14 (make-up), 24, 25, 26, 27, 28 (make-up).
      {"penalty.service", "2026-02-12", 0, {}, {}, "2026-02-28", false},
      // 15 days after 2025-09-23 is 2025-10-08 (国庆) → 2025-10-09.
      {"penalty.payment", "2025-09-23", 0, {}, {}, "2025-10-09", true},
      // 7 working days after 2025-12-31: 2026-01-04 (make-up), 5, 6, 7, 8, 9, 12.
      {"penalty.evidence_preservation", "2025-12-31", 0, {}, {}, "2026-01-12", false},
      // 2 years from 2024-02-29 → 2026-02-28 (no roll for limitation).
      {"penalty.limitation", "2024-02-29", 0, {}, {}, "2026-02-28", false},
      {"penalty.limitation_extended", "2021-10-01", 0, {}, {}, "2026-10-01", false},
      {"publicity.penalty_licensing", "2025-09-30", 0, {}, {}, "2025-10-16", false},
      {"publicity.other", "2025-09-30", 0, {}, {}, "2025-11-04", false},
      {"publicity.withdrawal", "2026-02-12", 0, {}, {}, "2026-02-24", false},
      // 30 days after 2025-09-01 is 2025-10-01 → 2025-10-09.
      {"compulsion.seizure", "2025-09-01", 0, {}, {}, "2025-10-09", true},
      {"compulsion.seizure", "2025-09-01", 30, {}, {}, "2025-10-31", false},
      // Testing 2025-09-10..19 (10 days) not counted: 2025-10-11, a make-up Saturday.
      {"compulsion.seizure",
       "2025-09-01",
       0,
       {{D("2025-09-10"), D("2025-09-19")}},
       {},
       "2025-10-11",
       false},
      // 30 days after 2026-01-15 is 2026-02-14, a make-up Saturday: no roll.
      {"compulsion.freeze", "2026-01-15", 0, {}, {}, "2026-02-14", false},
      {"compulsion.freeze", "2026-01-15", 30, {}, {}, "2026-03-16", false},
      {"compulsion.freeze_delivery", "2025-09-30", 0, {}, {}, "2025-10-11", false},
      {"compulsion.emergency_approval",
       "2025-09-30T20:00:00+08:00",
       0,
       {},
       {},
       "2025-10-01T12:00:00.000000Z",
       false},
      // 20 working days after 2025-09-01 → 2025-09-28 (Sunday, make-up); +10 → 2025-10-17.
      {"licensing.decision", "2025-09-01", 0, {}, {}, "2025-09-28", false},
      {"licensing.decision", "2025-09-01", 10, {}, {}, "2025-10-17", false},
      // Expert review 2025-09-08..12 (5 working days) excluded (行政许可法 第45条).
      {"licensing.decision",
       "2025-09-01",
       0,
       {{D("2025-09-08"), D("2025-09-12")}},
       {},
       "2025-10-11",
       false},
      {"licensing.certificate", "2026-02-12", 0, {}, {}, "2026-03-04", false},
      // Decree 310: calendar days by default (2025-10-03 → 10-09), working days by override.
      {"transfer.head_decision", "2025-09-30", 0, {}, {}, "2025-10-09", true},
      {"transfer.head_decision",
       "2025-09-30",
       0,
       {},
       Override{OverrideKind::kDayType, 0, DayType::kWorking},
       "2025-10-11",
       false},
      {"transfer.to_police",
       "2026-02-14T09:30:00+08:00",
       0,
       {},
       {},
       "2026-02-15T01:30:00.000000Z",
       false},
      {"transfer.police_review", "2026-02-12", 0, {}, {}, "2026-02-24", true},
      {"transfer.items_handover", "2025-12-29", 0, {}, {}, "2026-01-04", true},
      {"hotline.reply", "2026-02-12", 0, {}, {}, "2026-02-26", false},
      {"hotline.reply", "2026-02-12", 10, {}, {}, "2026-03-11", false},
      {"hotline.return_misrouted", "2026-02-12", 0, {}, {}, "2026-02-14", false},
  };
  std::set<std::string> covered;
  for (const auto& row : rows) {
    auto rule = FindRule(row.rule);
    ASSERT_TRUE(rule.ok()) << row.rule;
    DeadlineInput in;
    in.rule = *rule;
    in.extension = row.extension;
    in.paused_days = row.paused;
    in.override_ = row.ovr;
    if ((*rule)->unit == PeriodUnit::kHour) {
      in.start_micros = core::ParseRfc3339(row.start).value();
    } else {
      in.start_date = D(row.start);
    }
    auto d = ComputeDeadline(in, Cal());
    ASSERT_TRUE(d.ok()) << row.rule << ": " << d.error().message_en;
    if (d->due_micros) {
      EXPECT_EQ(core::FormatRfc3339Micros(*d->due_micros), row.due) << row.rule;
    } else {
      EXPECT_EQ(core::FormatDate(d->due_date), row.due) << row.rule << " " << row.start;
    }
    EXPECT_EQ(d->rolled, row.rolled) << row.rule << " " << row.start;
    EXPECT_FALSE(d->provisional) << row.rule;
    covered.insert(row.rule);
  }
  for (const auto& r : TimeLimitRules()) EXPECT_TRUE(covered.count(r.id)) << "no row: " << r.id;
}

TEST(TimeLimits, IdsAreUniqueAndEveryRuleCitesAnArticle) {
  std::set<std::string> ids;
  for (const auto& r : TimeLimitRules()) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_NE(std::string(r.law_zh), "") << r.id;
    EXPECT_NE(std::string(r.article_zh), "") << r.id;
    EXPECT_GT(r.amount, 0) << r.id;
    if (r.extension_max > 0) {
      EXPECT_NE(std::string(r.extension_basis_zh), "") << r.id;
    }
  }
}

TEST(TimeLimits, RollIsConfigurable) {
  DeadlineInput in;
  in.rule = FindRule("penalty.payment").value();
  in.start_date = D("2025-09-23");
  in.roll = false;
  auto d = ComputeDeadline(in, Cal());
  EXPECT_EQ(core::FormatDate(d->due_date), "2025-10-08");
  EXPECT_FALSE(d->rolled);
}

TEST(TimeLimits, BeyondTheLoadedYearsIsProvisional) {
  DeadlineInput in;
  in.rule = FindRule("hotline.reply").value();
  in.start_date = D("2026-12-28");
  auto d = ComputeDeadline(in, Cal());
  EXPECT_TRUE(d->provisional);
  in.rule = FindRule("penalty.payment").value();  // ends 2027-01-12, checked for a day off
  d = ComputeDeadline(in, Cal());
  EXPECT_TRUE(d->provisional);
}

TEST(TimeLimits, ExtensionsAndOverridesAreCheckedAgainstTheRule) {
  auto seizure = FindRule("compulsion.seizure").value();
  auto st = CheckExtension(*seizure, 31);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "extension");
  EXPECT_NE(st.error().message_zh.find("第二十五条"), std::string::npos);
  EXPECT_TRUE(CheckExtension(*seizure, 30).ok());

  auto service = FindRule("penalty.service").value();
  EXPECT_FALSE(CheckExtension(*service, 1).ok());
  st = CheckOverride(*service, Override{OverrideKind::kPeriod, 10});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "kind");
  EXPECT_NE(st.error().message_zh.find("第六十一条"), std::string::npos);

  auto decision = FindRule("penalty.decision").value();
  EXPECT_TRUE(CheckOverride(*decision, Override{OverrideKind::kPeriod, 180}).ok());
  EXPECT_EQ(CheckOverride(*decision, Override{OverrideKind::kPeriod, 0}).error().field, "amount");
  EXPECT_EQ(CheckOverride(*decision, Override{OverrideKind::kDayType}).error().field, "kind");

  DeadlineInput in;
  in.rule = seizure;
  in.start_date = D("2025-09-01");
  in.extension = 45;
  EXPECT_EQ(ComputeDeadline(in, Cal()).error().field, "extension");
  in.extension = 0;
  in.paused_days = {{D("2025-09-10"), D("2025-09-01")}};
  EXPECT_EQ(ComputeDeadline(in, Cal()).error().field, "paused[0]");
}

TEST(TimeLimits, HourRulesSkipPausedTime) {
  DeadlineInput in;
  in.rule = FindRule("compulsion.emergency_approval").value();
  in.start_micros = core::ParseRfc3339("2025-10-01T00:00:00Z").value();
  in.paused_instants = {{core::ParseRfc3339("2025-10-01T06:00:00Z").value(),
                         core::ParseRfc3339("2025-10-01T08:00:00Z").value()}};
  auto d = ComputeDeadline(in, Cal());
  EXPECT_EQ(core::FormatRfc3339Micros(*d->due_micros), "2025-10-02T02:00:00.000000Z");
}

TEST(Surcharge, ThreePercentADayCappedAtTheFine) {
  SurchargeInput in{100'000, D("2025-10-09"), D("2025-10-19"), {}};
  auto s = ComputeSurcharge(in);
  EXPECT_EQ(s->overdue_days, 10);
  EXPECT_EQ(s->surcharge_fen, 30'000);
  EXPECT_EQ(s->total_fen, 130'000);
  in.as_of = D("2025-11-11");  // 33 days
  EXPECT_EQ(ComputeSurcharge(in)->surcharge_fen, 99'000);
  EXPECT_FALSE(ComputeSurcharge(in)->capped);
  in.as_of = D("2025-11-12");  // 34 days: 102% → capped at the fine
  EXPECT_EQ(ComputeSurcharge(in)->surcharge_fen, 100'000);
  EXPECT_TRUE(ComputeSurcharge(in)->capped);
  in.as_of = D("2025-10-09");  // the due day itself: nothing
  EXPECT_EQ(ComputeSurcharge(in)->surcharge_fen, 0);
}

TEST(Surcharge, PausedDuringReviewAndLitigation) {
  // 复议 2025-10-12..15 (4 days) not counted: 10 − 4 = 6 days.
  SurchargeInput in{
      100'000, D("2025-10-09"), D("2025-10-19"), {{D("2025-10-12"), D("2025-10-15")}}};
  auto s = ComputeSurcharge(in);
  EXPECT_EQ(s->overdue_days, 6);
  EXPECT_EQ(s->paused_days, 4);
  EXPECT_EQ(s->surcharge_fen, 18'000);
  // A pause that began before the due day counts only after it.
  in.paused = {{D("2025-10-01"), D("2025-10-10")}};
  EXPECT_EQ(ComputeSurcharge(in)->overdue_days, 9);
}

TEST(Surcharge, RoundsDownToTheFenAndRejectsBadFines) {
  SurchargeInput in{333, D("2025-10-09"), D("2025-10-10"), {}};
  EXPECT_EQ(ComputeSurcharge(in)->surcharge_fen, 9);  // 9.99 fen → 9
  in.fine_fen = 0;
  EXPECT_EQ(ComputeSurcharge(in).error().field, "fine_fen");
  in.fine_fen = 100'000'000'000'000;  // the maximum: no overflow
  in.as_of = D("2200-12-31");
  EXPECT_EQ(ComputeSurcharge(in)->surcharge_fen, 100'000'000'000'000);
}

}  // namespace
}  // namespace zhifa::calendar
