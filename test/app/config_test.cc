// The configuration file: the example loads as written, keys are read, and a value out of range
// is refused with its key named (src/app/config.cc).
#include "app/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace zhifa::app {
namespace {

class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/zhifa-config-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    std::remove(path().c_str());
    rmdir(dir_.c_str());
  }
  std::string path() const { return dir_ + "/zhifa.toml"; }
  core::Result<Config> Load(const std::string& text) {
    std::ofstream(path()) << text;
    return LoadConfig(path());
  }
  std::string dir_;
};

TEST_F(ConfigFile, TheExampleLoadsWithTheDefaults) {
  auto c = Load(ExampleConfig());
  ASSERT_TRUE(c) << c.error().message_en;
  EXPECT_EQ(c->cases.list_count_cap, 10000);
  EXPECT_EQ(c->cases.list_search_count_cap, 2000);
  EXPECT_EQ(c->cases.due_soon_working_days, 3);
  EXPECT_EQ(c->store.sqlite_writer_nice, -10);
}

TEST_F(ConfigFile, CaseListCapsAreRead) {
  auto c = Load("[cases]\nlist_count_cap = 500\nlist_search_count_cap = 50\n");
  ASSERT_TRUE(c) << c.error().message_en;
  EXPECT_EQ(c->cases.list_count_cap, 500);
  EXPECT_EQ(c->cases.list_search_count_cap, 50);
}

TEST_F(ConfigFile, AValueOutOfRangeIsRefusedWithItsKey) {
  const struct {
    const char* text;
    const char* field;
  } rows[] = {
      {"[cases]\nlist_count_cap = 0\n", "cases.list_count_cap"},
      {"[cases]\nlist_count_cap = 1000001\n", "cases.list_count_cap"},
      {"[cases]\nlist_search_count_cap = -1\n", "cases.list_search_count_cap"},
      {"[cases]\ndue_soon_working_days = 61\n", "cases.due_soon_working_days"},
      {"[database]\nsqlite_writer_nice = -21\n", "database.sqlite_writer_nice"},
      {"[database]\nsqlite_writer_nice = 20\n", "database.sqlite_writer_nice"},
  };
  for (const auto& row : rows) {
    auto c = Load(row.text);
    ASSERT_FALSE(c) << row.text;
    EXPECT_EQ(c.error().code, core::ErrorCode::kInvalidArgument) << row.text;
    EXPECT_EQ(c.error().field, row.field) << row.text;
    EXPECT_FALSE(c.error().message_zh.empty());
  }
}

TEST_F(ConfigFile, AKeyNothingReadsIsRefusedByName) {
  const struct {
    const char* text;
    core::ErrorCode code;
    const char* field;
  } rows[] = {
      {"[cases]\nlist_count_limit = 5\n", core::ErrorCode::kUnknownField, "cases.list_count_limit"},
      {"[server]\naccess_log = false\nacess_log = true\n", core::ErrorCode::kUnknownField,
       "server.acess_log"},
      {"[case]\nlist_count_cap = 5\n", core::ErrorCode::kUnknownField, "case"},
      {"cases = 3\n", core::ErrorCode::kInvalidArgument, "cases"},
  };
  for (const auto& row : rows) {
    auto c = Load(row.text);
    ASSERT_FALSE(c) << row.text;
    EXPECT_EQ(c.error().code, row.code) << row.text;
    EXPECT_EQ(c.error().field, row.field) << row.text;
    EXPECT_NE(c.error().message_en.find(row.field), std::string::npos) << c.error().message_en;
    EXPECT_NE(c.error().message_zh.find(row.field), std::string::npos) << c.error().message_zh;
  }
}

}  // namespace
}  // namespace zhifa::app
