// Throwaway databases for the storage conformance suite and the SQL golden tests.
//
// SQLite: a file in a fresh temporary directory, removed afterwards. PostgreSQL: a fresh schema
// in the database named by ZHIFA_TEST_PG_URL (the connections' search_path points at it), dropped
// afterwards; when the variable is unset the PostgreSQL cases are skipped, or fail when
// ZHIFA_REQUIRE_PG=1 (CI). Not thread-safe; one TestDatabase per test.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "core/result.h"
#include "store/database.h"

namespace zhifa::store::testing {

inline const char* PgUrlOrNull() {
  const char* url = std::getenv("ZHIFA_TEST_PG_URL");
  return url && *url ? url : nullptr;
}

inline bool RequirePg() {
  const char* v = std::getenv("ZHIFA_REQUIRE_PG");
  return v && std::string(v) == "1";
}

// Adds libpq parameters to the URL: search_path set to the schema, and the schema as the
// application_name (so the test can find its own server processes).
inline std::string WithSchema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema + "&application_name=" + schema;
}

class TestDatabase {
 public:
  // Creates an empty database of the given dialect. Errors: kUnavailable when PostgreSQL is
  // not configured or reachable.
  static core::Result<std::unique_ptr<TestDatabase>> Create(Dialect dialect,
                                                            const Options& options = {}) {
    auto t = std::unique_ptr<TestDatabase>(new TestDatabase());
    if (dialect == Dialect::kSqlite) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "zhifa-store-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) {
        return core::Err(core::ErrorCode::kUnavailable, "无法创建临时目录",
                         "cannot create a temporary directory");
      }
      t->dir_ = tmpl;
      auto db = Open("sqlite:" + tmpl + "/test.db", options);
      if (!db) return db.error();
      t->db_ = std::move(*db);
      return t;
    }
    const char* url = PgUrlOrNull();
    if (!url) {
      return core::Err(core::ErrorCode::kUnavailable, "未设置 ZHIFA_TEST_PG_URL",
                       "ZHIFA_TEST_PG_URL is not set");
    }
    static std::atomic<int> counter{0};
    std::random_device rd;
    t->schema_ = "zt_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
                 std::to_string(rd() % 1000000);
    auto admin = Open(url, Options{.read_pool_size = 2});
    if (!admin) return admin.error();
    t->admin_ = std::move(*admin);
    std::string create = "CREATE SCHEMA " + t->schema_;
    auto st = t->admin_->Admin([&](Conn& c) { return c.ExecScript(create); });
    if (!st) return st.error();
    auto db = Open(WithSchema(url, t->schema_), options);
    if (!db) return db.error();
    t->db_ = std::move(*db);
    return t;
  }

  ~TestDatabase() {
    db_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
    if (admin_ && !schema_.empty()) {
      std::string drop = "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE";
      (void)admin_->Admin([&](Conn& c) { return c.ExecScript(drop); });
    }
  }

  Database& db() { return *db_; }

  // Breaks every server connection of the database under test (PostgreSQL: terminates its
  // backends, as a server restart would); a no-op on SQLite.
  core::Status KillConnections() {
    if (!admin_) return core::Ok();
    std::string sql =
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = '" +
        schema_ + "'";
    return admin_->Admin([&](Conn& c) -> core::Status {
      auto r = c.Query(sql);
      if (!r) return r.error();
      if (r->rows.empty()) {
        return core::Err(core::ErrorCode::kInternal, "找不到连接", "no connections found");
      }
      return core::Ok();
    });
  }
  // Closes the database (e.g. to check that queued work is drained).
  void Close() { db_.reset(); }

 private:
  TestDatabase() = default;

  std::unique_ptr<Database> db_;
  std::unique_ptr<Database> admin_;
  std::string dir_;
  std::string schema_;
};

}  // namespace zhifa::store::testing
