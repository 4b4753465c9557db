// record_log_bench — the record log on SQLite (issue 4): inclusion proofs from the database-backed
// tree (record_tree) for a large log, `zhifa verify` throughput (bytes hashed per second, compare
// with `openssl speed -evp sm3` in the same run), and storage per entry. Append throughput with the
// tree is BM_CommandBus in zhifa_bench (every Emit appends its leaf). See bench/README.md,
// "Record log (issue 4, the database)".
//
//   build/release/bench/record_log_bench                       # 1M-entry tree, 200k-entry verify
//   build/release/bench/record_log_bench --benchmark_filter='Proof/entries:10000000'   # 10M (≈ 2
//   GB disk)
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "record/command_bus.h"
#include "record/merkle.h"
#include "record/record_tree.h"
#include "record/verify.h"
#include "store/database.h"
#include "store/migrate.h"

namespace {

using namespace zhifa;

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/zhifa-rlbench-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void Check(const core::Status& st, const char* what) {
  if (!st) throw std::runtime_error(std::string(what) + ": " + st.error().message_en);
}

// A migrated database whose record_tree holds the tree of `n` random leaves, written with
// sqlite3 directly in one transaction (the rows Emit would have written; building it through
// the bus would take minutes for 10M).
struct TreeDb {
  TempDir dir;
  std::unique_ptr<store::Database> db;
  uint64_t n;
  uint64_t file_bytes = 0;

  explicit TreeDb(uint64_t leaves) : n(leaves) {
    std::string path = dir.path() + "/zhifa.db";
    {
      auto d = store::OpenSqlite(path, store::Options{.durable = false});
      if (!d) throw std::runtime_error("open");
      if (!store::Migrate(**d)) throw std::runtime_error("migrate");
    }
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_exec(raw, "PRAGMA synchronous=OFF; BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, "INSERT INTO record_tree (level, idx, hash) VALUES (?1, ?2, ?3)", -1,
                       &st, nullptr);
    record::CompactRange range(record::HashAlgorithm::kSm3);
    record::TreeHasher hasher(record::HashAlgorithm::kSm3);
    std::mt19937_64 rng(42);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t x = rng();
      record::Hash leaf = hasher.LeafHash(std::string_view(reinterpret_cast<char*>(&x), 8));
      range.Append(leaf, [&](const record::CompactRange::Node& node) {
        std::string hex = record::HashHex(node.hash);
        sqlite3_bind_int(st, 1, node.level);
        sqlite3_bind_int64(st, 2, static_cast<int64_t>(node.index));
        sqlite3_bind_text(st, 3, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_reset(st);
      });
    }
    sqlite3_finalize(st);
    sqlite3_exec(raw, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    file_bytes = std::filesystem::file_size(path);
    auto d = store::OpenSqlite(path, store::Options{.durable = false});
    if (!d) throw std::runtime_error("open");
    db = std::move(*d);
  }
};

// One inclusion proof (and, separately, the root) from record_tree at size n, inside one read
// transaction as the API does (the transaction's BEGIN/COMMIT are included).
void BM_DbInclusionProof(benchmark::State& state) {
  static std::map<int64_t, std::unique_ptr<TreeDb>> dbs;
  auto& t = dbs[state.range(0)];
  if (!t) t = std::make_unique<TreeDb>(static_cast<uint64_t>(state.range(0)));
  record::TreeHasher hasher(record::HashAlgorithm::kSm3);
  std::mt19937_64 rng(7);
  size_t len = 0;
  const bool batched = state.range(1) != 0;
  record::SubtreeCache cache;
  for (auto _ : state) {
    uint64_t index = rng() % t->n;
    Check(t->db->Read([&](store::Conn& c) -> core::Status {
      if (batched) {  // what the API runs: one UNION ALL query, upper levels cached
        auto p = record::BatchedLookup(
            c, t->n,
            [&](const record::HashStore& s) {
              return record::InclusionProof(hasher, s, index, t->n);
            },
            &cache);
        if (!p) return p.error();
        len = p->size();
        return core::Ok();
      }
      record::DbHashStore store(c, t->n);  // one query per lookup
      auto p = record::InclusionProof(hasher, store, index, t->n);
      if (!p) return p.error();
      len = p->size();
      return core::Ok();
    }),
          "proof");
  }
  state.counters["proof_len"] = static_cast<double>(len);
  state.counters["db_bytes_per_entry"] =
      static_cast<double>(t->file_bytes) / static_cast<double>(t->n);
}
BENCHMARK(BM_DbInclusionProof)
    ->ArgNames({"entries", "batched"})
    ->ArgsProduct({{1'000'000, 10'000'000}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

// `zhifa verify` (VerifyLog) over a log of n entries written through the command bus, payloads
// of ~300 bytes (a typical event). Counter bytes_per_second: bytes fed to SM3.
void BM_Verify(benchmark::State& state) {
  TempDir dir;
  auto d = store::OpenSqlite(dir.path() + "/zhifa.db", store::Options{.durable = false});
  if (!d) throw std::runtime_error("open");
  auto db = std::move(*d);
  if (!store::Migrate(*db)) throw std::runtime_error("migrate");
  record::CommandBus bus(*db);
  const int64_t n = state.range(0);
  std::string filler(250, 'x');
  std::atomic<int64_t> pending{n};
  for (int64_t i = 0; i < n; ++i) {
    bus.RunAsync(
        record::Actor{.user_id = 1001, .unit_id = 2002, .ip = {}},
        [&, i](record::CommandTx& tx) -> core::Status {
          auto s = tx.Emit({"bench.event",
                            "enterprise:91370100MA3C2X1234",
                            {{"i", i}, {"note", filler}},
                            std::nullopt,
                            {}});
          if (!s) return s.error();
          return core::Ok();
        },
        [&](core::Status) { pending.fetch_sub(1); });
  }
  while (pending.load() > 0) usleep(1000);
  uint64_t bytes = 0;
  for (auto _ : state) {
    record::VerifyOptions o;
    auto r = record::VerifyLog(*db, o);
    if (!r || !r->ok) throw std::runtime_error("verify failed");
    bytes = r->bytes_hashed;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["entries"] = static_cast<double>(n);
}
BENCHMARK(BM_Verify)->Arg(200'000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
