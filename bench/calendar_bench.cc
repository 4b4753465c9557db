// calendar_bench — the working-day calendar's hot operations and the deadline computation.
//
// Target: ≥ 10 million add/count/is operations per second on one core (precomputed tables:
// a working-day flag per day, prefix counts and the index of every working day, 1949–2200).
// Run: build/release/bench/calendar_bench --benchmark_repetitions=3
//        --benchmark_report_aggregates_only=true
// See bench/README.md (section "Working-day calendar").
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "calendar/time_limit_rules.h"
#include "core/calendar.h"
#include "core/embedded.h"

namespace {

using zhifa::core::WorkingCalendar;

std::shared_ptr<const WorkingCalendar> Cal() {
  static auto cal =
      WorkingCalendar::Build(zhifa::core::ParseEmbeddedHolidays(zhifa::embed::data()).value());
  return cal;
}

// Random start days in 2007..2026 (the loaded years), so lookups hit the whole table.
std::vector<int64_t> Days(size_t n) {
  std::mt19937_64 rng(42);
  int64_t lo = zhifa::core::DaysFromCivil({2007, 1, 1});
  int64_t hi = zhifa::core::DaysFromCivil({2026, 12, 31});
  std::uniform_int_distribution<int64_t> d(lo, hi);
  std::vector<int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

void BM_IsWorkingDay(benchmark::State& state) {
  auto cal = Cal();
  auto days = Days(4096);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cal->IsWorkingUnchecked(days[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IsWorkingDay);

void BM_AddWorkingDays(benchmark::State& state) {
  auto cal = Cal();
  auto days = Days(4096);
  size_t i = 0;
  for (auto _ : state) {
    int64_t d = days[i & 4095];
    benchmark::DoNotOptimize(cal->AddUnchecked(d, static_cast<int64_t>(i % 30) + 1));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddWorkingDays);

void BM_CountWorkingDays(benchmark::State& state) {
  auto cal = Cal();
  auto days = Days(4096);
  size_t i = 0;
  for (auto _ : state) {
    int64_t a = days[i & 4095];
    benchmark::DoNotOptimize(cal->CountUnchecked(a, a + static_cast<int64_t>(i % 100)));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CountWorkingDays);

// The checked API as the HTTP handlers and the CLI call it (date in, date + provisional out).
void BM_AddWorkingDaysChecked(benchmark::State& state) {
  auto cal = Cal();
  auto days = Days(4096);
  std::vector<zhifa::core::Date> dates;
  dates.reserve(days.size());
  for (int64_t d : days) dates.push_back(zhifa::core::CivilFromDays(d));
  size_t i = 0;
  for (auto _ : state) {
    auto r = cal->AddWorkingDays(dates[i & 4095], static_cast<int64_t>(i % 30) + 1);
    benchmark::DoNotOptimize(r);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddWorkingDaysChecked);

void BM_ComputeDeadline(benchmark::State& state) {
  auto cal = Cal();
  auto days = Days(4096);
  const auto& rules = zhifa::calendar::TimeLimitRules();
  size_t i = 0;
  for (auto _ : state) {
    zhifa::calendar::DeadlineInput in;
    in.rule = &rules[i % rules.size()];
    in.start_date = zhifa::core::CivilFromDays(days[i & 4095]);
    in.start_micros = days[i & 4095] * zhifa::core::kMicrosPerDay;
    auto r = zhifa::calendar::ComputeDeadline(in, *cal);
    benchmark::DoNotOptimize(r);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ComputeDeadline);

void BM_BuildCalendar(benchmark::State& state) {
  auto years = zhifa::core::ParseEmbeddedHolidays(zhifa::embed::data()).value();
  for (auto _ : state) benchmark::DoNotOptimize(WorkingCalendar::Build(years));
}
BENCHMARK(BM_BuildCalendar)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
