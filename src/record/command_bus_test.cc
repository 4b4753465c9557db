// The command → record spine: a state change without a record entry cannot commit.
#include "record/command_bus.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "store/migrate.h"

namespace zhifa::record {
namespace {

class CommandBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("zhifa-bus-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = store::OpenSqlite((dir_ / "t.db").string(), store::Options{});
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_).ok());
    bus_ = std::make_unique<CommandBus>(*db_);
  }
  void TearDown() override {
    bus_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](store::Conn& c) -> core::Status {
      auto r = c.Query(sql);
      if (!r) return r.error();
      n = r->rows[0].Int(0);
      return core::Ok();
    }));
    return n;
  }
  core::Status InsertUnit(CommandTx& tx, int64_t id, int64_t seq) {
    auto r = tx.conn().Exec(
        "INSERT INTO units (id, name, kind, version, created_seq, updated_seq) VALUES ($1, 'u', "
        "'city', 1, $2, $2)",
        {id, seq});
    if (!r) return r.error();
    return core::Ok();
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<CommandBus> bus_;
};

TEST_F(CommandBusTest, StateChangeWithoutEntryIsRolledBack) {
  auto st = bus_->Run(Actor{}, [&](CommandTx& tx) { return InsertUnit(tx, 1, 0); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, core::ErrorCode::kInternal);
  EXPECT_EQ(Count("SELECT count(*) FROM units"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM record_log"), 0);
}

TEST_F(CommandBusTest, EntryAndStateCommitTogether) {
  auto st = bus_->Run(Actor{7, 3, "127.0.0.1"}, [&](CommandTx& tx) -> core::Status {
    auto seq = tx.Emit({"unit.created", "unit:1", {{"name", "u"}}, std::nullopt});
    if (!seq) return seq.error();
    EXPECT_EQ(*seq, 1);
    return InsertUnit(tx, 1, *seq);
  });
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(Count("SELECT count(*) FROM units"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM record_log WHERE actor_id = 7 AND unit_id = 3 AND kind "
                  "= 'unit.created' AND payload = '{\"name\":\"u\"}'"),
            1);
}

TEST_F(CommandBusTest, FailedCommandLeavesNeitherEntryNorState) {
  auto st = bus_->Run(Actor{}, [&](CommandTx& tx) -> core::Status {
    auto seq = tx.Emit({"unit.created", "unit:1", {}, std::nullopt});
    if (!seq) return seq.error();
    ZHIFA_TRY(InsertUnit(tx, 1, *seq));
    return core::Err(core::ErrorCode::kInvalidArgument, "规则拒绝", "rule refused", "name");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "name");
  EXPECT_EQ(Count("SELECT count(*) FROM units"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM record_log"), 0);
  EXPECT_EQ(Count("SELECT value FROM counters WHERE name = 'record_seq'"), 0);
}

TEST_F(CommandBusTest, NoChangeWritesNothing) {
  auto st = bus_->Run(Actor{}, [&](CommandTx& tx) -> core::Status {
    ZHIFA_TRY(InsertUnit(tx, 1, 0));  // even if a command wrote, NoChange discards it
    tx.NoChange();
    return core::Ok();
  });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(Count("SELECT count(*) FROM units"), 0);
}

TEST_F(CommandBusTest, ConcurrentCommandsGetGaplessSequence) {
  constexpr int kThreads = 8, kEach = 200;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto st = bus_->Run(Actor{}, [&](CommandTx& tx) -> core::Status {
          auto seq = tx.Emit({"test.ping", "t:" + std::to_string(t), {{"i", i}}, std::nullopt});
          if (!seq) return seq.error();
          // Every fifth command fails after emitting: its sequence number must be reused.
          if (i % 5 == 4) return core::Err(core::ErrorCode::kInvalidArgument, "x", "x");
          return core::Ok();
        });
        if (!st && i % 5 != 4) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  int64_t n = kThreads * kEach * 4 / 5;
  EXPECT_EQ(Count("SELECT count(*) FROM record_log"), n);
  EXPECT_EQ(Count("SELECT max(seq) FROM record_log"), n);
  EXPECT_EQ(Count("SELECT min(seq) FROM record_log"), 1);
}

}  // namespace
}  // namespace zhifa::record
