// zhifa_catalogue_bench — the catalogue's import path: parsing published standards, checking the
// sheets of a 5,000-matter file, writing and reading that file as xlsx, the whole durable import
// into a fresh SQLite database, and MatterRulesAt lookups. Run:
//   build/release/bench/zhifa_catalogue_bench --benchmark_repetitions=3
//       --benchmark_report_aggregates_only=true
// Keep $TMPDIR on a real disk (fsync). See bench/README.md, section "Catalogue import".
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalogue/catalogue_rules.h"
#include "catalogue/catalogue_service.h"
#include "catalogue/catalogue_sheet.h"
#include "core/field_cipher.h"
#include "core/xlsx.h"
#include "org/org_service.h"
#include "record/command_bus.h"
#include "store/database.h"
#include "store/migrate.h"

namespace {

using namespace zhifa;
using namespace zhifa::catalogue;

constexpr int kMatters = 5000;

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/zhifa-catbench-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void Check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

// A department-sized file: 5,000 matters of three bureaus, three tiers each (15,000 rows).
Sheets MakeSheets() {
  const char* holders[] = {"市市场监管局", "市城市管理局", "市生态环境局"};
  Sheets s;
  s.matters = {kMatterSheet, {MatterColumns()}};
  s.tiers = {kTierSheet, {TierColumns()}};
  int seq = 0;
  for (int i = 0; i < kMatters; ++i) {
    std::string code = "BENCH-" + std::to_string(100000 + i);
    std::string name = "第" + std::to_string(i + 1) + "项违法行为";
    std::string basis = "《某某管理条例》第" + std::to_string(10 + i % 80) + "条";
    bool gains = i % 3 == 0;
    std::string range =
        gains ? "没收违法所得，并处违法所得一倍以上五倍以下罚款；没有违法所得的，处五万元以下罚款"
              : "处一万元以上十万元以下罚款；情节严重的，责令停产停业";
    s.matters.rows.push_back({code, name, "处罚", holders[i % 3], "其他", "《某某管理条例》第九条",
                              basis, range, i % 7 == 0 ? "是" : "否", "", "否"});
    std::vector<std::pair<const char*, const char*>> tiers =
        gains ? std::vector<std::pair<
                    const char*, const char*>>{{"轻微", "没有违法所得的，处一万元以下罚款"},
                                               {"一般",
                                                "没收违法所得，并处违法所得一倍以上三倍以下罚款"},
                                               {"严重",
                                                "没收违法所得，并处违法所得三倍以上五倍以下罚款"}}
              : std::vector<std::pair<const char*, const char*>>{
                    {"轻微", "处1万元以上3万元以下罚款"},
                    {"一般", "处3万元以上6万元以下罚款"},
                    {"严重", "处6万元以上10万元以下罚款，责令停产停业"}};
    for (auto [tier, standard] : tiers) {
      s.tiers.rows.push_back({std::to_string(++seq), code, name, basis, tier, "适用条件说明",
                              standard, "某某裁量基准", ""});
    }
  }
  return s;
}

const Sheets& TheSheets() {
  static const Sheets s = MakeSheets();
  return s;
}

const std::string& TheXlsx() {
  static const std::string bytes = [] {
    const auto& s = TheSheets();
    auto x = core::WriteXlsx({core::TextSheet(s.tiers.name, s.tiers.rows),
                              core::TextSheet(s.matters.name, s.matters.rows)});
    Check(x.ok(), "write xlsx");
    return *x;
  }();
  return bytes;
}

void BM_ParseStandard(benchmark::State& state) {
  const std::string food =
      std::string("没收违法所得和违法生产经营的食品，并处货值金额十倍以上二十倍以下罚款；") +
      "货值金额不足一万元的，并处五万元以上十万元以下罚款";
  const std::string texts[] = {"处1万元以上5万元以下罚款", "处五千元以下罚款",
                               "没收违法所得，并处违法所得2倍以上5倍以下罚款", "警告", food};
  size_t i = 0;
  for (auto _ : state) {
    auto r = ParseStandard(texts[i++ % 5]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseStandard)->UseRealTime();

// Checking every row of the 5,000-matter file (pure; no database).
void BM_ReadSheets5000(benchmark::State& state) {
  const auto& s = TheSheets();
  for (auto _ : state) {
    auto set = ReadSheets(&s.matters, s.tiers, nullptr);
    Check(set.problems.empty(), "problems in the bench file");
    benchmark::DoNotOptimize(set);
  }
  state.counters["matters/s"] =
      benchmark::Counter(kMatters, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ReadSheets5000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_XlsxWrite5000(benchmark::State& state) {
  const auto& s = TheSheets();
  for (auto _ : state) {
    auto x = core::WriteXlsx({core::TextSheet(s.tiers.name, s.tiers.rows),
                              core::TextSheet(s.matters.name, s.matters.rows)});
    benchmark::DoNotOptimize(x);
  }
  state.counters["bytes"] = static_cast<double>(TheXlsx().size());
}
BENCHMARK(BM_XlsxWrite5000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_XlsxRead5000(benchmark::State& state) {
  const auto& bytes = TheXlsx();
  for (auto _ : state) {
    auto r = core::ReadXlsx(bytes);
    Check(r.ok(), "read xlsx");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_XlsxRead5000)->Unit(benchmark::kMillisecond)->UseRealTime();

struct Db {
  TempDir dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<core::FieldCipher> cipher;
  std::unique_ptr<record::CommandBus> bus;
  std::unique_ptr<org::OrgService> org;
  std::unique_ptr<CatalogueService> cat;
  Db() {
    auto d = store::Open("sqlite:" + dir.path() + "/bench.db");
    Check(d.ok(), "open");
    db = std::move(*d);
    Check(store::Migrate(*db).ok(), "migrate");
    auto c = core::FieldCipher::FromKey(std::string(32, 'b'));
    Check(c.ok(), "cipher");
    cipher = std::make_unique<core::FieldCipher>(std::move(*c));
    bus = std::make_unique<record::CommandBus>(*db);
    org = std::make_unique<org::OrgService>(*db, *bus, *cipher);
    Check(org->SeedIfEmpty(record::Actor{}).ok(), "seed");
    cat = std::make_unique<CatalogueService>(*db, *bus);
  }
};

org::Principal System() {
  org::Principal p;
  p.scope.all = true;
  return p;
}

// The whole import of the 5,000-matter xlsx: read, check every row, one durable command writing
// 5,000 matters, versions, 15,000 tiers, 5,000 holdings and 5,001 record entries.
void BM_Import5000(benchmark::State& state) {
  const auto& bytes = TheXlsx();
  for (auto _ : state) {
    state.PauseTiming();
    auto env = std::make_unique<Db>();
    state.ResumeTiming();
    ImportOptions o;
    o.effective_from = core::Date{2026, 1, 1};
    auto r = env->cat->Import(System(), bytes, o);
    Check(r.ok() && r->ok && r->created == kMatters, "import");
    state.PauseTiming();
    env.reset();
    state.ResumeTiming();
  }
  state.counters["matters/s"] =
      benchmark::Counter(kMatters, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Import5000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_MatterRulesAt(benchmark::State& state) {
  static std::unique_ptr<Db> env;
  if (!env) {
    env = std::make_unique<Db>();
    ImportOptions o;
    o.effective_from = core::Date{2026, 1, 1};
    auto r = env->cat->Import(System(), TheXlsx(), o);
    Check(r.ok() && r->ok, "import");
  }
  int i = 0;
  for (auto _ : state) {
    auto r = env->cat->MatterRulesAt("BENCH-" + std::to_string(100000 + (i++ % kMatters)),
                                     core::Date{2026, 6, 1});
    Check(r.ok(), "lookup");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MatterRulesAt)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
