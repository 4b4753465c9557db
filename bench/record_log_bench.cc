// record_log_bench — the record log on SQLite (issue 4): inclusion proofs from the stored tree
// (record_log.leaf + record_nodes) of a large log, `zhifa verify` throughput (bytes hashed per
// second, compare with `openssl speed -evp sm3` in the same run), and tree bytes per entry.
// Append throughput with the tree is BM_CommandBus in zhifa_bench (every Emit appends its leaf).
// See bench/README.md, "Record log on the database"; bench/record_log.sh runs it all.
//
//   build/release/bench/record_log_bench --benchmark_filter='Proof/entries:1000000/|Verify'
//   build/release/bench/record_log_bench --benchmark_filter='Proof/entries:10000000/'  # ≈ 2 GB
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
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

// A migrated database holding a log of `n` entries with random leaves: record_log rows (small
// columns, the stored leaf hash) and the record_nodes rows of the stored levels, written with
// sqlite3 directly in transactions of 1M entries (what Emit would have written; building it
// through the bus would take an hour for 10M).
struct TreeDb {
  TempDir dir;
  std::unique_ptr<store::Database> db;
  uint64_t n;
  uint64_t file_bytes = 0;
  double tree_bytes_per_entry = 0;  // the leaf column's share of record_log + record_nodes

  explicit TreeDb(uint64_t leaves) : n(leaves) {
    // ZHIFA_RLBENCH_KEEP=DIR keeps the database in DIR and reuses it in later runs (the 10M one
    // takes minutes to build); remove DIR afterwards.
    const char* keep = std::getenv("ZHIFA_RLBENCH_KEEP");
    std::string path = keep && *keep ? std::string(keep) + "/tree-" + std::to_string(n) + ".db"
                                     : dir.path() + "/zhifa.db";
    if (keep && *keep && std::filesystem::exists(path + ".done")) {
      Open(path);
      return;
    }
    {
      auto d = store::OpenSqlite(path, store::Options{.durable = false});
      if (!d) throw std::runtime_error("open");
      if (!store::Migrate(**d)) throw std::runtime_error("migrate");
    }
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_exec(raw, "PRAGMA synchronous=OFF; BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* entry = nullptr;
    sqlite3_prepare_v2(
        raw,
        "INSERT INTO record_log (seq, at, actor_id, unit_id, kind, target, payload, "
        "leaf) VALUES (?1, '2026-11-27T00:00:00.000000Z', 1001, 2002, 'bench.event', "
        "'unit:2002', '{}', ?2)",
        -1, &entry, nullptr);
    sqlite3_stmt* node = nullptr;
    sqlite3_prepare_v2(raw, "INSERT INTO record_nodes (level, idx, hash) VALUES (?1, ?2, ?3)", -1,
                       &node, nullptr);
    record::CompactRange range(record::HashAlgorithm::kSm3);
    record::TreeHasher hasher(record::HashAlgorithm::kSm3);
    std::mt19937_64 rng(42);
    for (uint64_t i = 0; i < n; ++i) {
      if (i > 0 && i % 1'000'000 == 0) {  // keep the WAL small: commit and checkpoint
        sqlite3_exec(raw, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE); BEGIN", nullptr, nullptr,
                     nullptr);
      }
      uint64_t x = rng();
      record::Hash leaf = hasher.LeafHash(std::string_view(reinterpret_cast<char*>(&x), 8));
      sqlite3_bind_int64(entry, 1, static_cast<int64_t>(i + 1));
      sqlite3_bind_blob(entry, 2, leaf.data(), static_cast<int>(leaf.size()), SQLITE_TRANSIENT);
      sqlite3_step(entry);
      sqlite3_reset(entry);
      range.Append(leaf, [&](const record::CompactRange::Node& nd) {
        if (nd.level < record::kStoredLevel) return;
        sqlite3_bind_int(node, 1, nd.level);
        sqlite3_bind_int64(node, 2, static_cast<int64_t>(nd.index));
        sqlite3_bind_blob(node, 3, nd.hash.data(), static_cast<int>(nd.hash.size()),
                          SQLITE_TRANSIENT);
        sqlite3_step(node);
        sqlite3_reset(node);
      });
    }
    sqlite3_finalize(entry);
    sqlite3_finalize(node);
    sqlite3_exec(raw, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    // Storage of the tree: record_nodes' pages, plus the leaf's 33 record bytes (a 32-byte blob
    // and its 1-byte serial type) at record_log's page fill (pages / payload), from dbstat.
    double nodes_pages = 0, log_pages = 0, log_payload = 0;
    sqlite3_stmt* stat = nullptr;
    sqlite3_prepare_v2(raw,
                       "SELECT name, SUM(pgsize), SUM(payload) FROM dbstat WHERE name IN "
                       "('record_nodes', 'record_log') GROUP BY name",
                       -1, &stat, nullptr);
    while (sqlite3_step(stat) == SQLITE_ROW) {
      std::string name = reinterpret_cast<const char*>(sqlite3_column_text(stat, 0));
      (name == "record_nodes" ? nodes_pages : log_pages) = sqlite3_column_double(stat, 1);
      if (name == "record_log") log_payload = sqlite3_column_double(stat, 2);
    }
    sqlite3_finalize(stat);
    sqlite3_close(raw);
    tree_bytes_per_entry =
        (nodes_pages + 33.0 * static_cast<double>(n) * log_pages / std::max(1.0, log_payload)) /
        static_cast<double>(n);
    if (keep && *keep) std::ofstream(path + ".done") << tree_bytes_per_entry << "\n";
    Open(path);
  }

  void Open(const std::string& path) {
    if (tree_bytes_per_entry == 0) std::ifstream(path + ".done") >> tree_bytes_per_entry;
    file_bytes = std::filesystem::file_size(path);
    auto d = store::OpenSqlite(path, store::Options{.durable = false});
    if (!d) throw std::runtime_error("open");
    db = std::move(*d);
  }
};

// One inclusion proof from the stored tree at size n, inside one read transaction as the API
// does (the transaction's BEGIN/COMMIT are included). mode 0: one query per lookup (DbHashStore,
// no cache); 1: CachedLookup, the proof only, the cache filled as proofs read rows; 2: what the
// API's lookup computes (proof, leaf hash and root), cache filled as it goes; 3: as 2 with the
// cache loaded first (WarmSubtreeCache), as the server does in the background at start.
void BM_DbInclusionProof(benchmark::State& state) {
  static std::unique_ptr<TreeDb> t;  // one large database on disk at a time
  if (!t || t->n != static_cast<uint64_t>(state.range(0))) {
    t.reset();
    t = std::make_unique<TreeDb>(static_cast<uint64_t>(state.range(0)));
  }
  record::TreeHasher hasher(record::HashAlgorithm::kSm3);
  std::mt19937_64 rng(7);
  size_t len = 0;
  const int64_t mode = state.range(1);
  record::SubtreeCache cache;
  if (mode == 3) {
    Check(t->db->Read([&](store::Conn& c) -> core::Status {
      auto rows = record::WarmSubtreeCache(c, cache);
      if (!rows) return rows.error();
      return core::Ok();
    }),
          "warm");
  }
  for (auto _ : state) {
    uint64_t index = rng() % t->n;
    Check(t->db->Read([&](store::Conn& c) -> core::Status {
      if (mode > 0) {
        auto p = record::CachedLookup(
            c, hasher, t->n,
            [&](const record::HashStore& s) -> core::Result<std::vector<record::Hash>> {
              auto proof = record::InclusionProof(hasher, s, index, t->n);
              if (!proof || mode == 1) return proof;
              auto leaf = s.SubtreeHash(0, index);
              if (!leaf) return leaf.error();
              auto root = record::RootHash(hasher, s, t->n);
              if (!root) return root.error();
              proof->push_back(*leaf);
              proof->push_back(*root);
              return proof;
            },
            &cache);
        if (!p) return p.error();
        len = p->size();
        return core::Ok();
      }
      record::DbHashStore store(c, hasher, t->n);  // one query per lookup
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
  state.counters["tree_bytes_per_entry"] = t->tree_bytes_per_entry;
  state.counters["cache_MB"] = static_cast<double>(cache.MemoryBytes()) / 1e6;
}
BENCHMARK(BM_DbInclusionProof)
    ->ArgNames({"entries", "mode"})
    ->ArgsProduct({{1'000'000, 10'000'000}, {0, 1, 2, 3}})
    ->Unit(benchmark::kMicrosecond);

// `zhifa verify` (VerifyLog) over a log of n entries written through the command bus, payloads
// of ~300 bytes (a typical event). bytes_per_second: bytes fed to SM3 per wall-clock second
// (payload + entry bytes + 1 per entry, 65 per node hash); cpu_per_wall: process CPU seconds
// (all threads) per wall second. pipeline:0 hashes on the calling thread only.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

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
        [&](const core::Status&) { pending.fetch_sub(1); });
  }
  while (pending.load() > 0) usleep(1000);
  uint64_t bytes = 0;
  double cpu = 0;
  for (auto _ : state) {
    record::VerifyOptions o;
    o.pipeline = state.range(1) != 0;
    const double c0 = ProcessCpuSeconds();
    auto r = record::VerifyLog(*db, o);
    cpu += ProcessCpuSeconds() - c0;
    if (!r || !r->ok) throw std::runtime_error("verify failed");
    bytes = r->bytes_hashed;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["entries"] = static_cast<double>(n);
  state.counters["bytes_per_entry"] = static_cast<double>(bytes) / static_cast<double>(n);
  state.counters["cpu_s"] = cpu / static_cast<double>(state.iterations());
  state.counters["hashed_MB_per_cpu_s"] =
      static_cast<double>(bytes) * static_cast<double>(state.iterations()) / cpu / 1e6;
}
BENCHMARK(BM_Verify)
    ->ArgNames({"entries", "pipeline"})
    ->Args({200'000, 1})
    ->Args({200'000, 0})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
