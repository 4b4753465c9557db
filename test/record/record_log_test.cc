// The verifiable record log on a real database (SQLite always; PostgreSQL when
// ZHIFA_TEST_PG_URL is set): every entry becomes a leaf in its own transaction, checkpoints are
// consistent, proofs from the database-backed tree verify, two nodes appending at once keep one
// gapless log, an old database gets its tree at first start, a changed hash is refused, and the
// tamper suite: each kind of alteration made directly in the database is caught by VerifyLog,
// which names the first bad entry.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "record/command_bus.h"
#include "record/record_service.h"
#include "record/verify.h"
#include "store/migrate.h"
#include "test_database.h"

namespace zhifa::record {
namespace {

using store::Dialect;
using store::testing::PgUrlOrNull;
using store::testing::RequirePg;
using store::testing::WithSchema;

std::string Describe(const core::Error& e) {
  return std::string(core::ErrorCodeName(e.code)) + ": " + e.message_en + " [" + e.field + "]";
}

// One database that several "nodes" (Database objects with their own connections) can open.
class SharedDb {
 public:
  static std::unique_ptr<SharedDb> Create(Dialect d) {
    auto s = std::make_unique<SharedDb>();
    if (d == Dialect::kSqlite) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "zhifa-log-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) return nullptr;
      s->dir_ = tmpl;
      s->url_ = "sqlite:" + tmpl + "/t.db";
      return s;
    }
    static std::atomic<int> counter{0};
    std::random_device rd;
    s->schema_ = "zl_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
                 std::to_string(rd() % 1000000);
    auto admin = store::Open(PgUrlOrNull(), store::Options{.read_pool_size = 1});
    if (!admin) return nullptr;
    s->admin_ = std::move(*admin);
    std::string sql = "CREATE SCHEMA " + s->schema_;
    if (!s->admin_->Admin([&](store::Conn& c) { return c.ExecScript(sql); })) return nullptr;
    s->url_ = WithSchema(PgUrlOrNull(), s->schema_);
    return s;
  }
  ~SharedDb() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (admin_) {
      std::string sql = "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE";
      (void)admin_->Admin([&](store::Conn& c) { return c.ExecScript(sql); });
    }
  }
  std::unique_ptr<store::Database> Open() {
    auto db = store::Open(url_, store::Options{.read_pool_size = 2});
    return db ? std::move(*db) : nullptr;
  }

 private:
  std::string url_, dir_, schema_;
  std::unique_ptr<store::Database> admin_;
};

struct Node {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<CommandBus> bus;
  std::unique_ptr<RecordService> service;
};

class RecordLogTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !PgUrlOrNull()) {
      if (RequirePg()) GTEST_FAIL() << "ZHIFA_REQUIRE_PG=1 but ZHIFA_TEST_PG_URL is not set";
      GTEST_SKIP() << "ZHIFA_TEST_PG_URL is not set";
    }
    shared_ = SharedDb::Create(GetParam());
    ASSERT_TRUE(shared_);
    node_ = MakeNode();
    ASSERT_TRUE(node_.service);
  }

  Node MakeNode(const std::string& hash = "sm3", SharedDb* on = nullptr) {
    Node n;
    n.db = (on ? on : shared_.get())->Open();
    EXPECT_TRUE(n.db);
    if (!n.db) return n;
    auto m = store::Migrate(*n.db);
    EXPECT_TRUE(m) << Describe(m.error());
    n.bus = std::make_unique<CommandBus>(*n.db);
    RecordOptions o;
    o.hash = hash;
    auto pk = PersonKey::Ephemeral();
    auto s = RecordService::Open(*n.db, *n.bus, o, key_file(), std::move(*pk));
    open_error_ = s ? std::nullopt : std::optional<core::Error>(s.error());
    if (s) n.service = std::move(*s);
    return n;
  }
  std::string key_file() {
    return (std::filesystem::temp_directory_path() /
            ("zhifa-log-key-" + std::to_string(getpid()) + ".pem"))
        .string();
  }

  void Append(Node& n, int count, const std::string& prefix = "e") {
    for (int i = 0; i < count; ++i) {
      auto st = n.bus->Run(Actor{.user_id = 1001, .unit_id = 2002, .ip = {}}, [&](CommandTx& tx) {
        nlohmann::json payload = {{"i", i}, {"text", prefix + "：执法记录"}};
        auto seq = tx.Emit({"test.appended",
                            "enterprise:91370100MA3C2X1234",
                            payload,
                            std::nullopt,
                            {"person:abc"}});
        if (!seq) return core::Status(seq.error());
        return core::Ok();
      });
      ASSERT_TRUE(st) << Describe(st.error());
    }
  }

  void Exec(const std::string& sql, const store::Params& params = {}) {
    auto st = node_.db->Admin([&](store::Conn& c) -> core::Status {
      auto r = c.Exec(sql, params);
      if (!r) return r.error();
      return core::Ok();
    });
    ASSERT_TRUE(st) << Describe(st.error()) << " — " << sql;
  }

  LogVerifyReport Verify(bool from_checkpoint = false, bool pipeline = true) {
    VerifyOptions o;
    o.from_checkpoint = from_checkpoint;
    o.pipeline = pipeline;
    o.verifier = node_.service->signer().verifier();
    o.batch = 16;  // several batches
    auto r = VerifyLog(*node_.db, o);
    EXPECT_TRUE(r) << Describe(r.error());
    return r ? *r : LogVerifyReport{.ok = false};
  }

  // 45 entries, checkpoints at 20 and 40 (the last 5 are not checkpointed yet).
  void Build() {
    Append(node_, 20);
    ASSERT_TRUE(node_.service->Checkpoint());
    Append(node_, 20);
    ASSERT_TRUE(node_.service->Checkpoint());
    Append(node_, 5);
    auto r = Verify();
    ASSERT_TRUE(r.ok) << r.problem_en;
    ASSERT_EQ(r.entries, 45u);
    ASSERT_EQ(r.checkpoints, 2u);
  }

  void ExpectBad(std::optional<uint64_t> seq, const std::string& words) {
    for (bool pipeline : {true, false}) {  // hashing on a second thread, or not: same finding
      auto r = Verify(false, pipeline);
      EXPECT_FALSE(r.ok);
      EXPECT_EQ(r.bad_seq, seq) << r.problem_en;
      EXPECT_NE(r.problem_en.find(words), std::string::npos) << r.problem_en;
      EXPECT_FALSE(r.problem_zh.empty());
    }
  }

  std::unique_ptr<SharedDb> shared_;
  Node node_;
  std::optional<core::Error> open_error_;
};

TEST_P(RecordLogTest, EveryEntryIsALeafAndTheTreeRowsAreComplete) {
  Build();
  int64_t rows = -1, leaves = -1;
  ASSERT_TRUE(node_.db->Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query("SELECT COUNT(*) FROM record_nodes");
    if (!r) return r.error();
    rows = r->rows[0].Int(0);
    auto l = c.Query("SELECT COUNT(*) FROM record_log WHERE leaf IS NOT NULL");
    if (!l) return l.error();
    leaves = l->rows[0].Int(0);
    return core::Ok();
  }));
  EXPECT_EQ(leaves, 45);
  EXPECT_EQ(rows, 2 + 1);  // Σ ⌊45/2^k⌋ for k ≥ kStoredLevel = 4
  // Each stored leaf is the leaf the API serves (recomputed from the entry).
  auto served = node_.service->Leaves(1, 45);
  ASSERT_TRUE(served);
  ASSERT_TRUE(node_.db->Read([&](store::Conn& c) -> core::Status {
    auto stored = StoredLeaves(c, 0, 45);
    if (!stored) return stored.error();
    for (size_t i = 0; i < 45; ++i) {
      EXPECT_EQ(HashHex((*stored)[i]), (*served)["items"][i]["leaf_hash"]) << i;
    }
    return core::Ok();
  }));
}

TEST_P(RecordLogTest, ProofsNeedingRecomputedLowLevelsMatchAMemoryTree) {
  // Every (index, size) pair up to 40 leaves: the database store (levels < 4 recomputed from the
  // leaves, the rest from record_nodes, with and without the cache) agrees with a tree kept in
  // memory.
  Append(node_, 40);
  TreeHasher hasher(HashAlgorithm::kSm3);
  MemoryHashStore memory(HashAlgorithm::kSm3);
  ASSERT_TRUE(node_.db->Read([&](store::Conn& c) -> core::Status {
    auto stored = StoredLeaves(c, 0, 40);
    if (!stored) return stored.error();
    for (const Hash& h : *stored) memory.AppendLeafHash(h);
    return core::Ok();
  }));
  SubtreeCache cache;
  for (uint64_t size = 1; size <= 40; ++size) {
    auto root = RootHash(hasher, memory, size);
    ASSERT_TRUE(root);
    for (uint64_t index = 0; index < size; ++index) {
      auto want = InclusionProof(hasher, memory, index, size);
      ASSERT_TRUE(want);
      ASSERT_TRUE(node_.db->Read([&](store::Conn& c) -> core::Status {
        DbHashStore db(c, hasher, size);
        auto direct = InclusionProof(hasher, db, index, size);
        if (!direct) return direct.error();
        EXPECT_EQ(*direct, *want) << index << " " << size;
        auto batched = CachedLookup(
            c, hasher, size,
            [&](const HashStore& s) -> core::Result<std::vector<Hash>> {
              auto p = InclusionProof(hasher, s, index, size);
              if (!p) return p.error();
              auto r = RootHash(hasher, s, size);
              if (!r) return r.error();
              p->push_back(*r);
              return p;
            },
            &cache);
        if (!batched) return batched.error();
        EXPECT_EQ(batched->back(), *root) << size;
        batched->pop_back();
        EXPECT_EQ(*batched, *want) << index << " " << size;
        return core::Ok();
      }));
    }
  }
}

TEST_P(RecordLogTest, ProofsFromTheDatabaseVerifyAgainstSignedCheckpoints) {
  Build();
  auto latest = node_.service->Latest();
  ASSERT_TRUE(latest && *latest);
  auto cp = node_.service->signer().verifier().VerifyCheckpoint((*latest)->note);
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->size, 40u);
  TreeHasher hasher(HashAlgorithm::kSm3);
  for (uint64_t i : {0ull, 1ull, 19ull, 20ull, 39ull}) {
    auto p = node_.service->InclusionProof(i, 0);
    ASSERT_TRUE(p) << Describe(p.error());
    auto leaves = node_.service->Leaves(i + 1, i + 1);
    ASSERT_TRUE(leaves);
    auto leaf = HashFromHex((*leaves)["items"][0]["leaf_hash"].get<std::string>());
    std::vector<Hash> proof;
    for (const auto& h : (*p)["proof"]) proof.push_back(*HashFromHex(h.get<std::string>()));
    EXPECT_TRUE(VerifyInclusion(hasher, i, cp->size, *leaf, proof, cp->root)) << i;
  }
  auto c = node_.service->ConsistencyProof(20, 40);
  ASSERT_TRUE(c);
  auto list = node_.service->ListCheckpoints(1, 10);
  ASSERT_TRUE(list);
  auto old = node_.service->signer().verifier().VerifyCheckpoint(
      (*list)["items"][1]["note"].get<std::string>());
  ASSERT_TRUE(old);
  std::vector<Hash> proof;
  for (const auto& h : (*c)["proof"]) proof.push_back(*HashFromHex(h.get<std::string>()));
  EXPECT_TRUE(VerifyConsistency(hasher, 20, 40, old->root, cp->root, proof));
  // Bad arguments name the field.
  auto bad = node_.service->InclusionProof(40, 40);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "index");
  auto beyond = node_.service->ConsistencyProof(1, 46);
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().field, "new");
}

TEST_P(RecordLogTest, FromCheckpointChecksOnlyWhatIsNew) {
  Build();
  auto r = Verify(true);
  EXPECT_TRUE(r.ok) << r.problem_en;
  EXPECT_EQ(r.from_size, 40u);
  EXPECT_EQ(r.entries, 5u);
  // A change after the checkpoint is found; one before it is the full check's business.
  Exec("UPDATE record_log SET payload = '{}' WHERE seq = 43");
  auto bad = Verify(true);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.bad_seq, 43u);
}

TEST_P(RecordLogTest, TwoNodesAppendingAtOnceKeepOneGaplessVerifiableLog) {
  Node other = MakeNode();
  ASSERT_TRUE(other.service);
  Append(node_, 3);  // the second node's frontier is stale from here on
  std::thread a([&] { Append(node_, 60, "a"); });
  std::thread b([&] { Append(other, 60, "b"); });
  a.join();
  b.join();
  ASSERT_TRUE(other.service->Checkpoint());
  Append(node_, 2);
  ASSERT_TRUE(node_.service->Checkpoint());
  auto r = Verify();
  EXPECT_TRUE(r.ok) << r.problem_en;
  EXPECT_EQ(r.entries, 125u);
  EXPECT_EQ(r.checkpoints, 2u);
}

// Every row of `sql`'s result as one string (blobs hex), in order.
std::vector<std::string> Dump(store::Database& db, const std::string& sql) {
  std::vector<std::string> out;
  EXPECT_TRUE(db.Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query(sql);
    if (!r) return r.error();
    for (const auto& row : r->rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (std::holds_alternative<store::Blob>(row.at(i))) {
          Hash h{};
          std::string_view b = row.Bytes(i);
          std::copy_n(b.begin(), std::min(b.size(), h.size()), h.begin());
          line += "x" + HashHex(h) + "/" + std::to_string(b.size());
        } else {
          line += row.IsNull(i) ? "NULL" : row.Text(i);
        }
        line += "|";
      }
      out.push_back(line);
    }
    return core::Ok();
  }));
  return out;
}

TEST_P(RecordLogTest, EmitManyWritesWhatEmitOneByOneWrites) {
  // The same 100 events into two logs: one Emit per command, and EmitMany in chunks of several
  // sizes (mixed with a single Emit, an empty call and a rolled-back chunk). The entry rows,
  // leaves, tree rows, subjects, counter and root are the same, and the log verifies.
  auto other = SharedDb::Create(GetParam());
  ASSERT_TRUE(other);
  Node one = MakeNode("sm3", other.get());
  ASSERT_TRUE(one.service);
  const int64_t now = 1795000000123456;  // fixed: the leaves commit to the time
  const Actor actor{.user_id = 1001, .unit_id = 2002, .ip = {}};
  auto event = [](int i) {
    Event e{"test.bulk_" + std::to_string(i % 3),
            "case:" + std::to_string(i / 7),
            i % 5 == 0 ? nlohmann::json() : nlohmann::json{{"i", i}, {"text", "执法记录"}},
            i % 4 == 0 ? std::optional<int64_t>() : std::optional<int64_t>(3000 + i % 2),
            {}};
    if (i % 3 != 0) e.subjects.push_back("person:p" + std::to_string(i % 2));
    if (i % 6 == 1) e.subjects.push_back("enterprise:e" + std::to_string(i));
    return e;
  };
  auto run = [&](Node& n, const std::function<core::Status(CommandTx&)>& fn) {
    return n.db->Write([&](store::Conn& c) -> core::Status {
      CommandTx tx(c, actor, now, &n.bus->tree());
      return fn(tx);
    });
  };
  for (int i = 0; i < 100; ++i) {
    auto st = run(one, [&](CommandTx& tx) -> core::Status {
      auto seq = tx.Emit(event(i));
      if (!seq) return seq.error();
      EXPECT_EQ(*seq, i + 1);
      return core::Ok();
    });
    ASSERT_TRUE(st) << Describe(st.error());
  }
  int next = 0;
  auto many = [&](int count, bool fail = false) {
    auto st = run(node_, [&](CommandTx& tx) -> core::Status {
      std::vector<Event> events;
      events.reserve(static_cast<size_t>(count));
      for (int i = 0; i < count; ++i) events.push_back(event(next + i));
      auto first = tx.EmitMany(std::move(events));
      if (!first) return first.error();
      EXPECT_EQ(*first, count ? next + 1 : 0);
      EXPECT_EQ(tx.emitted(), count);
      if (count) {
        EXPECT_EQ(tx.last_seq(), next + count);
      }
      if (fail) return core::Err(core::ErrorCode::kConflict, "回滚", "rolled back");
      return core::Ok();
    });
    if (fail) {
      ASSERT_FALSE(st);
      return;
    }
    ASSERT_TRUE(st) << Describe(st.error());
    next += count;
  };
  many(1);
  ASSERT_TRUE(run(node_, [&](CommandTx& tx) -> core::Status {
    auto seq = tx.Emit(event(next));
    if (!seq) return seq.error();
    return core::Ok();
  }));
  ++next;
  many(14);  // completes the first level-4 subtree (16 leaves)
  many(0);
  many(33);
  many(40, true);  // rolled back: the next chunk reloads the frontier
  many(51);
  ASSERT_EQ(next, 100);

  for (const char* sql :
       {"SELECT seq, at, actor_id, unit_id, kind, target, payload, leaf FROM record_log ORDER BY "
        "seq",
        "SELECT level, idx, hash FROM record_nodes ORDER BY level, idx",
        "SELECT subject, seq FROM record_subjects ORDER BY subject, seq",
        "SELECT value FROM counters WHERE name = 'record_seq'"}) {
    auto a = Dump(*one.db, sql), b = Dump(*node_.db, sql);
    EXPECT_FALSE(a.empty()) << sql;
    EXPECT_EQ(a, b) << sql;
  }
  auto root = [](Node& n) {
    Hash h{};
    EXPECT_TRUE(n.db->Read([&](store::Conn& c) -> core::Status {
      TreeHasher hasher(HashAlgorithm::kSm3);
      DbHashStore store(c, hasher, 100);
      auto f = CompactRange::FromStore(HashAlgorithm::kSm3, store, 100);
      if (!f) return f.error();
      h = f->Root();
      return core::Ok();
    }));
    return HashHex(h);
  };
  EXPECT_EQ(root(one), root(node_));
  ASSERT_TRUE(node_.service->Checkpoint());
  auto r = Verify();
  EXPECT_TRUE(r.ok) << r.problem_en;
  EXPECT_EQ(r.entries, 100u);
}

TEST_P(RecordLogTest, AnOldDatabaseGetsItsTreeAtFirstStart) {
  // Entries written before migration 0005 (no metadata, no tree rows).
  Exec("DELETE FROM record_nodes");
  Exec("DELETE FROM record_log");
  Exec("DELETE FROM record_meta");
  Exec("DELETE FROM record_checkpoints");
  for (int i = 1; i <= 30; ++i) {
    Exec(
        "INSERT INTO record_log (seq, at, actor_id, unit_id, kind, target, payload) VALUES "
        "($1, '2026-01-02T03:04:05.000006Z', NULL, 1, 'unit.created', 'unit:1', '{\"a\":1}')",
        {int64_t{i}});
  }
  Exec("UPDATE counters SET value = 30 WHERE name = 'record_seq'");
  Node fresh = MakeNode("sha256");
  ASSERT_TRUE(fresh.service) << Describe(*open_error_);
  EXPECT_EQ(fresh.service->hash(), HashAlgorithm::kSha256);
  node_ = std::move(fresh);
  Append(node_, 3);
  ASSERT_TRUE(node_.service->Checkpoint());
  auto r = Verify();
  EXPECT_TRUE(r.ok) << r.problem_en;
  EXPECT_EQ(r.entries, 33u);
}

TEST_P(RecordLogTest, Migration0009MovesAnOldTreeIntoLeavesAndNodes) {
  // A database at the schema before 0009: every level of the tree in record_tree as hex.
  auto old = SharedDb::Create(GetParam());
  ASSERT_TRUE(old);
  auto db = old->Open();
  ASSERT_TRUE(db);
  for (const auto& m : store::Migrations(db->dialect())) {
    if (m.version >= 9) continue;
    auto st = db->Admin([&](store::Conn& c) -> core::Status {
      ZHIFA_TRY(c.ExecScript(m.sql));
      auto r = c.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
                      {m.version, m.name, std::string("2026-01-01T00:00:00Z")});
      if (!r) return r.error();
      return core::Ok();
    });
    ASSERT_TRUE(st) << m.version << " " << Describe(st.error());
  }
  TreeHasher hasher(HashAlgorithm::kSm3);
  CompactRange range(HashAlgorithm::kSm3);
  std::vector<Hash> leaves;
  auto st = db->Admin([&](store::Conn& c) -> core::Status {
    auto meta = c.Exec(
        "INSERT INTO record_meta (name, value) VALUES ('hash', 'sm3'), ('origin', 'zhifa/record')");
    if (!meta) return meta.error();
    for (int64_t seq = 1; seq <= 40; ++seq) {
      const std::string at = "2026-01-02T03:04:05.00000" + std::to_string(seq % 10) + "Z";
      const std::string payload = "{\"n\":" + std::to_string(seq) + "}";
      auto ins = c.Exec(
          "INSERT INTO record_log (seq, at, actor_id, unit_id, kind, target, payload) VALUES "
          "($1, $2, NULL, 7, 'unit.created', 'unit:7', $3)",
          {seq, at, payload});
      if (!ins) return ins.error();
      auto f = FieldsFromRow(hasher, seq, at, std::nullopt, 7, "unit.created", "unit:7", payload);
      if (!f) return f.error();
      auto bytes = EncodeEntry(*f);
      if (!bytes) return bytes.error();
      leaves.push_back(hasher.LeafHash(*bytes));
      core::Status row_status = core::Ok();
      range.Append(leaves.back(), [&](const CompactRange::Node& n) {
        auto r = c.Exec("INSERT INTO record_tree (level, idx, hash) VALUES ($1, $2, $3)",
                        {int64_t{n.level}, static_cast<int64_t>(n.index), HashHex(n.hash)});
        if (!r && row_status) row_status = r.error();
      });
      if (!row_status) return row_status.error();
    }
    auto head = c.Exec("UPDATE counters SET value = 40 WHERE name = 'record_seq'");
    if (!head) return head.error();
    return core::Ok();
  });
  ASSERT_TRUE(st) << Describe(st.error());

  auto applied = store::Migrate(*db);
  ASSERT_TRUE(applied) << Describe(applied.error());
  EXPECT_GE(*applied, 1);
  ASSERT_TRUE(db->Read([&](store::Conn& c) -> core::Status {
    auto stored = StoredLeaves(c, 0, 40);
    if (!stored) return stored.error();
    EXPECT_EQ(*stored, leaves);  // moved, byte for byte
    auto nodes = c.Query("SELECT level, idx, hash FROM record_nodes ORDER BY level, idx");
    if (!nodes) return nodes.error();
    EXPECT_EQ(nodes->rows.size(), 3u);  // (4, 0), (4, 1), (5, 0)
    MemoryHashStore memory(HashAlgorithm::kSm3);
    for (const Hash& h : leaves) memory.AppendLeafHash(h);
    for (const auto& row : nodes->rows) {
      auto want = memory.SubtreeHash(static_cast<int>(row.Int(0)), row.Int(1));
      EXPECT_TRUE(want && HashBytes(*want) == row.Bytes(2)) << row.Int(0) << " " << row.Int(1);
    }
    auto gone = c.Query(c.dialect() == Dialect::kSqlite
                            ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'record_tree'"
                            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema "
                              "= current_schema() AND table_name = 'record_tree'");
    if (!gone) return gone.error();
    EXPECT_EQ(gone->rows[0].Int(0), 0);
    return core::Ok();
  }));
  // The migrated log verifies and takes new entries.
  CommandBus bus(*db);
  auto pk = PersonKey::Ephemeral();
  auto service = RecordService::Open(*db, bus, RecordOptions{}, key_file(), std::move(*pk));
  ASSERT_TRUE(service) << Describe(service.error());
  for (int i = 0; i < 3; ++i) {
    auto r = bus.Run(Actor{}, [&](CommandTx& tx) -> core::Status {
      auto seq = tx.Emit({"test.appended", "unit:7", {{"i", i}}, std::nullopt, {}});
      if (!seq) return seq.error();
      return core::Ok();
    });
    ASSERT_TRUE(r) << Describe(r.error());
  }
  ASSERT_TRUE((*service)->Checkpoint());
  VerifyOptions o;
  o.verifier = (*service)->signer().verifier();
  auto r = VerifyLog(*db, o);
  ASSERT_TRUE(r) << Describe(r.error());
  EXPECT_TRUE(r->ok) << r->problem_en;
  EXPECT_EQ(r->entries, 43u);
}

TEST_P(RecordLogTest, AChangedHashIsRefused) {
  Append(node_, 2);
  Node other = MakeNode("sha256");
  EXPECT_FALSE(other.service);
  ASSERT_TRUE(open_error_);
  EXPECT_EQ(open_error_->field, "record.hash");
}

TEST_P(RecordLogTest, TargetTimelineAndEntryCheckWithinDataScope) {
  Build();
  org::Principal all;
  all.scope.all = true;
  auto e = node_.service->TargetEntries(all, "enterprise:91370100MA3C2X1234", 1, 100);
  ASSERT_TRUE(e) << Describe(e.error());
  EXPECT_EQ((*e)["total"], 45);
  EXPECT_EQ((*e)["items"][0]["seq"], 1);
  auto person = node_.service->TargetEntries(all, "person:abc", 2, 20);  // via record_subjects
  ASSERT_TRUE(person);
  EXPECT_EQ((*person)["total"], 45);
  EXPECT_EQ((*person)["items"][0]["seq"], 21);
  org::Principal unit;
  unit.scope.exact_units = {2002};
  EXPECT_TRUE(node_.service->TargetEntries(unit, "person:abc", 1, 20));
  org::Principal other;
  other.scope.exact_units = {9};
  auto none = node_.service->TargetEntries(other, "person:abc", 1, 20);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, core::ErrorCode::kNotFound);
  auto v = node_.service->VerifyEntry(all, 3);
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["included"], true);
  EXPECT_EQ((*v)["checkpoint_size"], 40);
  auto fresh = node_.service->VerifyEntry(all, 44);
  ASSERT_TRUE(fresh);
  EXPECT_EQ((*fresh)["included"], false);
  EXPECT_EQ((*fresh)["reason"], "not_yet_checkpointed");
  EXPECT_FALSE(node_.service->VerifyEntry(other, 3));
  // The keyed hash of an ID number: stable per key, never the number.
  auto k = PersonKey::Ephemeral();
  ASSERT_TRUE(k);
  EXPECT_EQ(k->Target("11010519491231002X"), k->Target("11010519491231002X"));
  EXPECT_EQ(k->Target("11010519491231002X").find("1101"), std::string::npos);
  EXPECT_EQ(k->Target("x").size(), 7u + 64u);
}

// ---- tamper suite ---------------------------------------------------------------------------

TEST_P(RecordLogTest, TamperChangedPayload) {
  Build();
  Exec("UPDATE record_log SET payload = '{\"i\":6,\"text\":\"改\"}' WHERE seq = 7");
  ExpectBad(7, "entry 7 was altered");
}

TEST_P(RecordLogTest, TamperChangedKindAfterLastCheckpoint) {
  Build();
  Exec("UPDATE record_log SET kind = 'test.other' WHERE seq = 44");
  ExpectBad(44, "entry 44 was altered");
}

TEST_P(RecordLogTest, TamperChangedTime) {
  Build();
  Exec("UPDATE record_log SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 30");
  ExpectBad(30, "entry 30 was altered");
}

TEST_P(RecordLogTest, TamperDeletedEntry) {
  Build();
  Exec("DELETE FROM record_log WHERE seq = 12");
  ExpectBad(12, "entry 12 is missing");
}

TEST_P(RecordLogTest, TamperDeletedLastEntries) {
  Build();
  Exec("DELETE FROM record_log WHERE seq >= 44");
  ExpectBad(44, "deleted at the end");
}

TEST_P(RecordLogTest, TamperTruncatedLogTreeAndCounter) {
  Build();
  Exec("DELETE FROM record_log WHERE seq > 30");
  Exec("DELETE FROM record_nodes WHERE level = 5 OR (level = 4 AND idx = 1)");
  Exec("UPDATE counters SET value = 30 WHERE name = 'record_seq'");
  ExpectBad(31, "checkpoint (size 40) is beyond the log");
}

TEST_P(RecordLogTest, TamperInsertedEntryAtTheEnd) {
  Build();
  Exec(
      "INSERT INTO record_log (seq, at, actor_id, unit_id, kind, target, payload) VALUES "
      "(46, '2026-01-02T03:04:05.000006Z', NULL, 1, 'unit.created', 'unit:1', '{}')");
  ExpectBad(46, "entry 46 has no leaf hash");
}

TEST_P(RecordLogTest, TamperInsertedEntryInTheMiddle) {
  Build();
  // Make room after seq 9 by renumbering 10…45 (descending, so the key never collides).
  for (int s = 45; s >= 10; --s) {
    Exec("UPDATE record_log SET seq = seq + 1 WHERE seq = $1", {int64_t{s}});
  }
  Exec(
      "INSERT INTO record_log (seq, at, actor_id, unit_id, kind, target, payload) VALUES "
      "(10, '2026-01-02T03:04:05.000006Z', NULL, 1, 'unit.created', 'unit:1', '{}')");
  Exec("UPDATE counters SET value = 46 WHERE name = 'record_seq'");
  ExpectBad(10, "entry 10 has no leaf hash");
  // With a leaf computed for it, the renumbered entry after it no longer matches its own leaf
  // (the leaf commits to the seq).
  auto leaves = node_.service->Leaves(10, 10);
  ASSERT_TRUE(leaves);
  auto leaf = HashFromHex((*leaves)["items"][0]["leaf_hash"].get<std::string>());
  ASSERT_TRUE(leaf);
  Exec("UPDATE record_log SET leaf = $1 WHERE seq = 10",
       {store::Blob{std::string(HashBytes(*leaf))}});
  ExpectBad(11, "entry 11 was altered");
}

TEST_P(RecordLogTest, TamperReorderedEntries) {
  Build();
  Exec("UPDATE record_log SET seq = -5 WHERE seq = 5");
  Exec("UPDATE record_log SET seq = 5 WHERE seq = 6");
  Exec("UPDATE record_log SET seq = 6 WHERE seq = -5");
  ExpectBad(5, "entry 5 was altered");
}

TEST_P(RecordLogTest, TamperEntryAndItsLeafRewritten) {
  Build();
  Exec("UPDATE record_log SET payload = '{}' WHERE seq = 8");
  // The attacker recomputes the leaf; the stored subtree over entries 1–16 still holds the old.
  auto leaves = node_.service->Leaves(8, 8);
  ASSERT_TRUE(leaves);
  auto leaf = HashFromHex((*leaves)["items"][0]["leaf_hash"].get<std::string>());
  ASSERT_TRUE(leaf);
  Exec("UPDATE record_log SET leaf = $1 WHERE seq = 8",
       {store::Blob{std::string(HashBytes(*leaf))}});
  ExpectBad(16, "tree row (4, 0) was altered, or an entry among 1–16 was rewritten");
}

TEST_P(RecordLogTest, TamperChangedLeafHash) {
  Build();
  Exec("UPDATE record_log SET leaf = $1 WHERE seq = 33", {store::Blob{std::string(32, 'x')}});
  ExpectBad(33, "entry 33 was altered");
}

TEST_P(RecordLogTest, TamperDeletedLeafHash) {
  Build();
  Exec("UPDATE record_log SET leaf = NULL WHERE seq = 3");
  ExpectBad(3, "entry 3 has no leaf hash");
}

TEST_P(RecordLogTest, TamperChangedTreeRow) {
  Build();
  Exec("UPDATE record_nodes SET hash = $1 WHERE level = 5 AND idx = 0",
       {store::Blob{std::string(32, 'y')}});
  ExpectBad(32, "tree row (5, 0) was altered");
}

TEST_P(RecordLogTest, TamperWholeTreeRewrittenIsCaughtByTheSignedCheckpoint) {
  Build();
  Exec("UPDATE record_log SET payload = '{}' WHERE seq = 25");
  // Rewrite every tree row from the altered entries (what an attacker with database access but
  // without the signing key can do): only the signed checkpoints remain to catch it.
  Exec("DELETE FROM record_nodes");
  Exec("UPDATE record_log SET leaf = NULL");
  Exec("DELETE FROM record_meta WHERE name = 'hash'");
  Node rebuilt = MakeNode();
  ASSERT_TRUE(rebuilt.service) << Describe(*open_error_);
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem_en.find("does not match the signed checkpoint (size 40)"), std::string::npos)
      << r.problem_en;
  EXPECT_NE(r.problem_en.find("21–40"), std::string::npos) << r.problem_en;
}

TEST_P(RecordLogTest, TamperChangedCheckpointRow) {
  Build();
  Exec("UPDATE record_checkpoints SET root = $1 WHERE size = 20", {std::string(64, 'a')});
  ExpectBad(std::nullopt, "checkpoint (size 20) row differs from its signed text");
}

TEST_P(RecordLogTest, TamperChangedCheckpointNote) {
  Build();
  Exec("UPDATE record_checkpoints SET note = REPLACE(note, '\n40\n', '\n41\n') WHERE size = 40");
  ExpectBad(std::nullopt, "checkpoint (size 40) has no valid signature");
}

TEST_P(RecordLogTest, TamperDeletedTreeRow) {
  Build();
  Exec("DELETE FROM record_nodes WHERE level = 4 AND idx = 1");
  ExpectBad(32, "tree row (4, 1) is missing (entries 17–32)");
}

TEST_P(RecordLogTest, TamperExtraTreeRow) {
  Build();
  Exec("INSERT INTO record_nodes (level, idx, hash) VALUES (9, 9, $1)",
       {store::Blob{std::string(32, 'b')}});
  ExpectBad(std::nullopt, "record_nodes has 4 rows, expected 3");
}

INSTANTIATE_TEST_SUITE_P(Dialects, RecordLogTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) { return store::DialectName(info.param); });

}  // namespace
}  // namespace zhifa::record
