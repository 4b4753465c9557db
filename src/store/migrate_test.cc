#include "store/migrate.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace zhifa::store {
namespace {

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("zhifa-migrate-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Database> OpenDb() {
    auto db = OpenSqlite((dir_ / "t.db").string(), Options{});
    EXPECT_TRUE(db.ok());
    return std::move(*db);
  }
  std::filesystem::path dir_;
};

TEST(Migrations, NumberedFromOneWithoutGaps) {
  auto all = Migrations(Dialect::kSqlite);
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int64_t>(i + 1));
  EXPECT_EQ(LatestVersion(), all.back().version);
  EXPECT_EQ(Migrations(Dialect::kPostgres).size(), all.size());
}

TEST_F(MigrateTest, AppliesOnceAndRecordsVersion) {
  auto db = OpenDb();
  EXPECT_EQ(*CurrentVersion(*db), 0);
  EXPECT_FALSE(CheckVersion(*db));
  auto n = Migrate(*db);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, LatestVersion());
  EXPECT_EQ(*CurrentVersion(*db), LatestVersion());
  EXPECT_TRUE(CheckVersion(*db));
  auto again = Migrate(*db);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_F(MigrateTest, RefusesADatabaseNewerThanTheBinary) {
  auto db = OpenDb();
  ASSERT_TRUE(Migrate(*db).ok());
  ASSERT_TRUE(db->Write([](Conn& c) -> core::Status {
    auto r = c.Exec(
        "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, 'future', "
        "'2099-01-01T00:00:00Z')",
        {LatestVersion() + 1});
    if (!r) return r.error();
    return core::Ok();
  }));
  auto st = Migrate(*db);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, core::ErrorCode::kConflict);
  EXPECT_NE(st.error().message_en.find("newer"), std::string::npos);
  EXPECT_EQ(CheckVersion(*db).error().code, core::ErrorCode::kConflict);
}

}  // namespace
}  // namespace zhifa::store
