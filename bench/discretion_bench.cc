// The discretion engine's throughput (issue 3 target: ≥ 100,000 facts sets per second for a
// catalogue of 5,000 matters). A generator builds 5,000 matters with three benchmark tiers each
// (conditions compiled once, as the service does per matter version) and list entries of the
// four kinds; facts sets are generated up front (parsing JSON is measured separately). Each
// iteration looks the matter up by code, takes its entries and runs Evaluate; BM_EvaluateAndCheck
// also checks a proposed penalty. See bench/README.md for the command and the numbers.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "discretion/discretion_rules.h"

namespace zhifa::discretion {
namespace {

using catalogue::FineRange;
using catalogue::MatterRules;
using catalogue::Tier;
using nlohmann::json;

constexpr int kMatters = 5000;
constexpr int kFactSets = 20000;

struct Catalogue {
  std::vector<CompiledMatter> matters;
  std::vector<std::vector<ListEntry>> entries;  // per matter
  std::unordered_map<std::string, size_t> by_code;
  std::vector<std::string> codes;
};

FineRange Fixed(int64_t lo_yuan, int64_t hi_yuan) {
  FineRange f;
  f.min = lo_yuan * 100;
  f.max = hi_yuan * 100;
  return f;
}

Condition Compile(const char* text) {
  auto c = CompileConditionText(text, "bench");
  if (!c) std::abort();
  return *c;
}

const Catalogue& Build() {
  static const Catalogue cat = [] {
    Catalogue c;
    std::mt19937_64 rng(20261127);
    const char* kEntryConds[] = {
        R"({"all":[{"prior_violations":{"within_days":365,"eq":0}},{"fact":"harm","in":["none","minor"]},{"fact":"corrected_in_time","is":true}]})",
        R"({"fact":"removed_or_reduced_harm","is":true})",
        R"({"all":[{"fact":"illegal_gains","lte":500000},{"fact":"harm","lte":"minor"}]})",
        R"({"any":[{"fact":"repeat_offence","is":true},{"fact":"refused_correction","is":true},{"prior_violations":{"within_days":730,"gte":2}}]})",
    };
    const ListEffect kEffects[] = {ListEffect::kNoPenalty, ListEffect::kReduced,
                                   ListEffect::kLighter, ListEffect::kHeavier};
    for (int i = 0; i < kMatters; ++i) {
      MatterRules m;
      m.code = "M" + std::to_string(100000 + i);
      m.name = "生成事项 " + std::to_string(i);
      m.penalty_provision = "《生成法》第" + std::to_string(i % 200 + 1) + "条";
      m.range.kinds = {catalogue::PenaltyKind::kWarning, catalogue::PenaltyKind::kFine};
      const int64_t base = 1000 * (1 + static_cast<int64_t>(rng() % 50));
      if (i % 4 == 0) {
        FineRange f;
        f.basis = FineRange::Basis::kMultipleOfGains;
        f.min_permille = 1000;
        f.max_permille = 5000;
        f.fallback_max = base * 100 * 10;
        m.range.fine = f;
      } else {
        m.range.fine = Fixed(base, base * 10);
      }
      const char* names[] = {"轻微", "一般", "严重"};
      const char* conds[] = {
          R"({"fact":"harm","eq":"minor"})", "",
          R"({"any":[{"fact":"harm","eq":"serious"},{"fact":"refused_correction","is":true}]})"};
      for (int t = 0; t < 3; ++t) {
        Tier tier;
        tier.name = names[t];
        tier.condition_json = conds[t];
        tier.standard_text = names[t];
        tier.kinds = {catalogue::PenaltyKind::kFine};
        tier.fine = Fixed(base + base * 3 * t, base + base * 3 * (t + 1));
        tier.ordinal = t + 1;
        m.tiers.push_back(std::move(tier));
      }
      auto cm = CompileMatter(std::move(m));
      if (!cm) std::abort();
      c.by_code[cm->rules.code] = c.matters.size();
      c.codes.push_back(cm->rules.code);
      c.matters.push_back(std::move(*cm));
      std::vector<ListEntry> entries;
      for (int k = 0; k < 4; ++k) {
        if ((i + k) % 3 == 0) continue;  // about two thirds of the matters in each list
        ListEntry e;
        e.id = static_cast<int64_t>(i) * 10 + k;
        e.matter_code = c.codes.back();
        e.effect = kEffects[k];
        e.kind_id = ListEffectId(kEffects[k]);
        e.kind_name_zh = "清单";
        e.kind_name_en = "list";
        e.condition = Compile(kEntryConds[k]);
        e.modality = k == 3 ? Modality::kMust : Modality::kMay;
        e.law = "生成法";
        e.article = "第十条";
        e.wording = "生成条目";
        entries.push_back(std::move(e));
      }
      c.entries.push_back(std::move(entries));
    }
    return c;
  }();
  return cat;
}

struct Case {
  std::string code;
  Facts facts;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = [] {
    const Catalogue& cat = Build();
    std::mt19937_64 rng(7);
    std::vector<Case> out;
    out.reserve(kFactSets);
    const char* harms[] = {"none", "minor", "general", "serious"};
    for (int i = 0; i < kFactSets; ++i) {
      json j;
      const int year = 2021 + static_cast<int>(rng() % 5);
      char date[16];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, static_cast<int>(1 + rng() % 12),
                    static_cast<int>(1 + rng() % 28));
      j["act_date"] = date;
      j["harm"] = harms[rng() % 4];
      j["corrected_in_time"] = rng() % 2 == 0;
      if (rng() % 3 == 0) j["minor_violation"] = true;
      if (rng() % 4 == 0) j["illegal_gains"] = static_cast<int64_t>(rng() % 2000000);
      if (rng() % 10 == 0) j["age_at_act"] = static_cast<int64_t>(12 + rng() % 10);
      if (rng() % 8 == 0) j["removed_or_reduced_harm"] = true;
      if (rng() % 8 == 0) j["repeat_offence"] = true;
      if (rng() % 2 == 0) {
        json prior = json::array();
        const int n = static_cast<int>(rng() % 3);
        for (int p = 0; p < n; ++p) {
          std::snprintf(date, sizeof date, "%04d-%02d-%02d", year - 1 - static_cast<int>(rng() % 2),
                        static_cast<int>(1 + rng() % 12), static_cast<int>(1 + rng() % 28));
          prior.push_back(date);
        }
        j["prior_violation_dates"] = prior;
      }
      auto f = ParseFacts(j);
      if (!f) std::abort();
      out.push_back({cat.codes[rng() % cat.codes.size()], std::move(*f)});
    }
    return out;
  }();
  return cases;
}

void BM_Evaluate(benchmark::State& state) {
  const Catalogue& cat = Build();
  const auto& cases = Cases();
  const EngineParams params;
  std::vector<const ListEntry*> ptrs;
  size_t i = 0;
  for (auto _ : state) {
    const Case& c = cases[i++ % cases.size()];
    const size_t m = cat.by_code.at(c.code);
    ptrs.clear();
    for (const auto& e : cat.entries[m]) ptrs.push_back(&e);
    Outcome o = Evaluate(cat.matters[m], ptrs, c.facts, params);
    benchmark::DoNotOptimize(o.band);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["matters"] = kMatters;
}
BENCHMARK(BM_Evaluate)->UseRealTime();

void BM_EvaluateAndCheck(benchmark::State& state) {
  const Catalogue& cat = Build();
  const auto& cases = Cases();
  const EngineParams params;
  std::vector<const ListEntry*> ptrs;
  Proposal p{{catalogue::PenaltyKind::kFine}, 500000, ""};
  size_t i = 0;
  for (auto _ : state) {
    const Case& c = cases[i++ % cases.size()];
    const size_t m = cat.by_code.at(c.code);
    ptrs.clear();
    for (const auto& e : cat.entries[m]) ptrs.push_back(&e);
    Outcome o = Evaluate(cat.matters[m], ptrs, c.facts, params);
    auto problems = Check(o, p);
    benchmark::DoNotOptimize(problems.size());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluateAndCheck)->UseRealTime();

// Parsing a facts object from JSON (what the HTTP route and the CLI add per request).
void BM_ParseFacts(benchmark::State& state) {
  const json j = json::parse(
      R"({"act_date":"2025-03-01","harm":"minor","corrected_in_time":true,"illegal_gains":120000,
          "prior_violation_dates":["2024-05-01"],"age_at_act":35,"repeat_offence":false})");
  for (auto _ : state) {
    auto f = ParseFacts(j);
    benchmark::DoNotOptimize(f.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseFacts);

// Compiling one matter's tiers (once per matter version; cached by callers that loop).
void BM_CompileMatter(benchmark::State& state) {
  const Catalogue& cat = Build();
  size_t i = 0;
  for (auto _ : state) {
    auto m = CompileMatter(cat.matters[i++ % cat.matters.size()].rules);
    benchmark::DoNotOptimize(m.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompileMatter);

}  // namespace
}  // namespace zhifa::discretion

BENCHMARK_MAIN();
