// The storage conformance suite: one set of tests run against every backend of database.h.
//
// SQLite always; PostgreSQL when ZHIFA_TEST_PG_URL is set (each test in its own schema), and a
// failure instead of a skip when it is unset but ZHIFA_REQUIRE_PG=1 (CI).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"
#include "test_database.h"

namespace zhifa::store {
namespace {

using core::ErrorCode;
using core::Status;
using testing::PgUrlOrNull;
using testing::RequirePg;
using testing::TestDatabase;

std::string Describe(const core::Error& e) {
  return std::string(core::ErrorCodeName(e.code)) + ": " + e.message_en;
}

class StoreTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !PgUrlOrNull()) {
      if (RequirePg()) GTEST_FAIL() << "ZHIFA_REQUIRE_PG=1 but ZHIFA_TEST_PG_URL is not set";
      GTEST_SKIP() << "ZHIFA_TEST_PG_URL is not set";
    }
    auto t = TestDatabase::Create(GetParam(), options_);
    ASSERT_TRUE(t) << Describe(t.error());
    tdb_ = std::move(*t);
  }

  Database& db() { return tdb_->db(); }

  // Runs one statement in its own write transaction.
  core::Result<int64_t> Exec(const std::string& sql, const Params& params = {}) {
    core::Result<int64_t> out = int64_t{0};
    Status st = db().Write([&](Conn& c) -> Status {
      out = c.Exec(sql, params);
      if (!out) return out.error();
      return core::Ok();
    });
    if (!st) return st.error();
    return out;
  }

  // Runs one query in a read snapshot.
  core::Result<QueryResult> Query(const std::string& sql, const Params& params = {}) {
    core::Result<QueryResult> out = QueryResult{};
    Status st = db().Read([&](Conn& c) -> Status {
      out = c.Query(sql, params);
      if (!out) return out.error();
      return core::Ok();
    });
    if (!st) return st.error();
    return out;
  }

  int64_t Count(const std::string& table) {
    auto r = Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(r) << Describe(r.error());
    if (!r || r->rows.size() != 1) return -1;
    return r->rows[0].Int(0);
  }

  // Submits `jobs` writes at once through WriteAsync and waits for them all: the first holds the
  // writer for 200 ms so the others queue up into one batch (SQLite's group commit). Returns each
  // job's result.
  std::vector<Status> RunQueued(int jobs, const std::function<Status(int, Conn&)>& job) {
    std::vector<std::optional<Status>> results(static_cast<size_t>(jobs));
    std::mutex mu;
    std::condition_variable cv;
    int finished = 0;
    for (int i = 0; i < jobs; ++i) {
      db().WriteAsync(
          [i, &job](Conn& c) -> Status {
            if (i == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
            return job(i, c);
          },
          [&, i](Status st) {
            std::lock_guard lock(mu);
            results[static_cast<size_t>(i)] = std::move(st);
            ++finished;
            cv.notify_all();
          });
    }
    std::unique_lock lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return finished == jobs; }));
    std::vector<Status> out;
    out.reserve(results.size());
    for (auto& r : results) {
      out.push_back(r ? std::move(*r)
                      : Status(core::Err(ErrorCode::kInternal, "未完成", "not done")));
    }
    return out;
  }

  void CreateCounters() {
    ASSERT_TRUE(Exec("CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)"));
    ASSERT_TRUE(Exec("INSERT INTO counters (name, value) VALUES ('seq', 0)"));
  }

  Options options_;
  std::unique_ptr<TestDatabase> tdb_;
};

TEST_P(StoreTest, DialectMatches) { EXPECT_EQ(db().dialect(), GetParam()); }

TEST_P(StoreTest, Ping) {
  Status st = db().Ping();
  EXPECT_TRUE(st) << Describe(st.error());
}

TEST_P(StoreTest, ValuesRoundTrip) {
  ASSERT_TRUE(Exec("CREATE TABLE v (id BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT)"));
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::string kChinese =
      "中华人民共和国行政处罚法 第六十四条：当事人要求听证的，应当在五日内提出";
  std::vector<Params> rows = {
      {int64_t{1}, Null{}, Null{}, Null{}},
      {int64_t{2}, kMin, 0.1, kChinese},
      {int64_t{3}, kMax, -1.5e300, std::string()},
      {int64_t{4}, int64_t{0}, 3.0, std::string("O'Brien \"quoted\" \\ $1 ? --")},
      {int64_t{5}, int64_t{-1}, 1e-300, std::string("emoji 😀 统一社会信用代码 91350100M000100Y43")},
  };
  Status st = db().Write([&](Conn& c) -> Status {
    for (const auto& p : rows) {
      auto r = c.Exec("INSERT INTO v (id, i, d, t) VALUES ($1, $2, $3, $4)", p);
      if (!r) return r.error();
      if (*r != 1) return core::Err(ErrorCode::kInternal, "count", "count");
    }
    return core::Ok();
  });
  ASSERT_TRUE(st) << Describe(st.error());

  auto r = Query("SELECT id, i, d, t FROM v ORDER BY id");
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->rows.size(), rows.size());
  ASSERT_EQ(r->columns, (std::vector<std::string>{"id", "i", "d", "t"}));
  for (size_t k = 0; k < rows.size(); ++k) {
    const Row& row = r->rows[k];
    for (size_t c = 0; c < 4; ++c) {
      EXPECT_EQ(row.at(c), rows[k][c]) << "row " << k << " column " << c;
    }
  }
  EXPECT_TRUE(r->rows[0].IsNull(1));
  EXPECT_FALSE(r->rows[2].IsNull(3));  // empty string is not NULL
  EXPECT_EQ(r->rows[1].Text(3), kChinese);
  EXPECT_EQ(r->rows[1].Int(1), kMin);
  EXPECT_EQ(r->rows[2].Int(1), kMax);

  // Parameters compare exactly against stored values.
  auto q = Query("SELECT id FROM v WHERE i = $1 AND t = $2", {kMin, kChinese});
  ASSERT_TRUE(q) << Describe(q.error());
  ASSERT_EQ(q->rows.size(), 1u);
  EXPECT_EQ(q->rows[0].Int(0), 2);
}

TEST_P(StoreTest, BlobsRoundTrip) {
  ASSERT_TRUE(Exec(std::string("CREATE TABLE b (id BIGINT PRIMARY KEY, v ") + BlobType(GetParam()) +
                   ", t TEXT)"));
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::vector<std::string> values = {
      std::string("\0\0\x01", 3),      // leading NULs
      std::string(),                   // empty, not NULL
      all,                             // every byte value
      std::string(32, '\xff'),         // a hash-sized value
      std::string("\x80zhifa\xc3", 7)  // not UTF-8
  };
  Status st = db().Write([&](Conn& c) -> Status {
    for (size_t i = 0; i < values.size(); ++i) {
      auto r = c.Exec("INSERT INTO b (id, v, t) VALUES ($1, $2, $3)",
                      {static_cast<int64_t>(i), Blob{values[i]}, std::string("文本")});
      if (!r) return r.error();
    }
    auto r = c.Exec("INSERT INTO b (id, v, t) VALUES (99, $1, NULL)", {Null{}});
    if (!r) return r.error();
    return core::Ok();
  });
  ASSERT_TRUE(st) << Describe(st.error());

  auto r = Query("SELECT id, v, LENGTH(v) FROM b ORDER BY id");
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->rows.size(), values.size() + 1);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(r->rows[i].at(1), Value(Blob{values[i]})) << "row " << i;
    EXPECT_EQ(r->rows[i].Bytes(1), values[i]) << "row " << i;
    EXPECT_EQ(r->rows[i].Int(2), static_cast<int64_t>(values[i].size())) << "row " << i;
  }
  EXPECT_TRUE(r->rows.back().IsNull(1));

  // A blob parameter compares byte for byte; blobs order as unsigned bytes (memcmp).
  auto q = Query("SELECT id FROM b WHERE v = $1", {Blob{values[2]}});
  ASSERT_TRUE(q) << Describe(q.error());
  ASSERT_EQ(q->rows.size(), 1u);
  EXPECT_EQ(q->rows[0].Int(0), 2);
  auto ordered = Query("SELECT id FROM b WHERE v IS NOT NULL ORDER BY v");
  ASSERT_TRUE(ordered) << Describe(ordered.error());
  std::vector<int64_t> ids;
  for (const auto& row : ordered->rows) ids.push_back(row.Int(0));
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 0, 2, 4, 3}));

  // QueryEach streams the same values without copies, in order, and stops at an error.
  std::vector<std::string> seen;
  st = db().Read([&](Conn& c) -> Status {
    return c.QueryEach("SELECT id, v, t FROM b WHERE id < $1 ORDER BY id", {int64_t{50}},
                       [&](const RowRef& row) -> Status {
                         EXPECT_EQ(row.size(), 3u);
                         EXPECT_EQ(row.Int(0), static_cast<int64_t>(seen.size()));
                         EXPECT_EQ(row.Text(2), "文本");
                         seen.emplace_back(row.Bytes(1));
                         return core::Ok();
                       });
  });
  ASSERT_TRUE(st) << Describe(st.error());
  EXPECT_EQ(seen, values);
  int calls = 0;
  st = db().Read([&](Conn& c) -> Status {
    return c.QueryEach("SELECT id, v FROM b ORDER BY id", {}, [&](const RowRef& row) -> Status {
      ++calls;
      if (row.Int(0) == 1) return core::Err(ErrorCode::kNotFound, "停", "stop");
      return core::Ok();
    });
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(calls, 2);
  // NULL blobs and integers through QueryEach.
  st = db().Read([&](Conn& c) -> Status {
    return c.QueryEach("SELECT v, id FROM b WHERE id = 99", {}, [&](const RowRef& row) -> Status {
      EXPECT_TRUE(row.IsNull(0));
      EXPECT_EQ(row.OptInt(0), std::nullopt);
      EXPECT_EQ(row.OptInt(1), std::optional<int64_t>(99));
      return core::Ok();
    });
  });
  ASSERT_TRUE(st) << Describe(st.error());
}

TEST_P(StoreTest, ExpressionTypesArePortable) {
  ASSERT_TRUE(Exec("CREATE TABLE n (x BIGINT)"));
  ASSERT_TRUE(Exec("INSERT INTO n (x) VALUES (1), (2), (4000000000)"));
  auto r = Query(
      "SELECT COUNT(*), SUM(x), 1 = 1, 1 = 0, 7 / 2, CAST('42' AS BIGINT), "
      "CAST($1 AS BIGINT), 2.5 * 2 FROM n",
      {int64_t{9}});
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->rows.size(), 1u);
  const Row& row = r->rows[0];
  EXPECT_EQ(row.at(0), Value(int64_t{3}));
  EXPECT_EQ(row.at(1), Value(int64_t{4000000003}));  // SUM over integers stays an integer
  EXPECT_EQ(row.at(2), Value(int64_t{1}));           // booleans are 0/1 integers
  EXPECT_EQ(row.at(3), Value(int64_t{0}));
  EXPECT_EQ(row.at(4), Value(int64_t{3}));  // integer division truncates
  EXPECT_EQ(row.at(5), Value(int64_t{42}));
  EXPECT_EQ(row.at(6), Value(int64_t{9}));
  EXPECT_DOUBLE_EQ(row.Double(7), 5.0);
}

TEST_P(StoreTest, AffectedCounts) {
  ASSERT_TRUE(Exec("CREATE TABLE a (id BIGINT PRIMARY KEY, grp BIGINT, note TEXT)"));
  auto ins = Exec("INSERT INTO a (id, grp) VALUES (1, 1), (2, 1), (3, 2)");
  ASSERT_TRUE(ins) << Describe(ins.error());
  EXPECT_EQ(*ins, 3);
  auto upd = Exec("UPDATE a SET note = $1 WHERE grp = $2", {std::string("x"), int64_t{1}});
  ASSERT_TRUE(upd);
  EXPECT_EQ(*upd, 2);
  auto none = Exec("UPDATE a SET note = 'y' WHERE grp = 99");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  auto ret = Exec("UPDATE a SET grp = grp + 10 WHERE id = 3 RETURNING grp");
  ASSERT_TRUE(ret);
  EXPECT_EQ(*ret, 1);
  auto del = Exec("DELETE FROM a WHERE grp = 1");
  ASSERT_TRUE(del);
  EXPECT_EQ(*del, 2);
  EXPECT_EQ(Count("a"), 1);

  auto empty = Query("SELECT id, note FROM a WHERE id < 0");
  ASSERT_TRUE(empty) << Describe(empty.error());
  EXPECT_TRUE(empty->rows.empty());
  EXPECT_EQ(empty->columns, (std::vector<std::string>{"id", "note"}));
}

TEST_P(StoreTest, PlaceholdersRepeatedAndOutOfOrder) {
  ASSERT_TRUE(Exec("CREATE TABLE p (a BIGINT, b TEXT, c BIGINT)"));
  auto ins = Exec("INSERT INTO p (a, b, c) VALUES ($2, $1, $2)", {std::string("one"), int64_t{7}});
  ASSERT_TRUE(ins) << Describe(ins.error());
  auto r = Query("SELECT a, b, c FROM p WHERE b = $2 AND a = $1 AND c = $1",
                 {int64_t{7}, std::string("one")});
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].at(0), Value(int64_t{7}));
  EXPECT_EQ(r->rows[0].at(1), Value(std::string("one")));
  EXPECT_EQ(r->rows[0].at(2), Value(int64_t{7}));

  // Ten or more parameters ($10 is not $1 followed by 0).
  Params ten;
  for (int64_t i = 1; i <= 10; ++i) ten.emplace_back(i * 100);
  auto t = Query(
      "SELECT CAST($10 AS BIGINT), CAST($1 AS BIGINT) FROM p WHERE $2 = $2 AND $3 = $3 AND "
      "$4 = $4 AND $5 = $5 AND $6 = $6 AND $7 = $7 AND $8 = $8 AND $9 = $9",
      ten);
  ASSERT_TRUE(t) << Describe(t.error());
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0].Int(0), 1000);
  EXPECT_EQ(t->rows[0].Int(1), 100);

  // A NULL parameter binds SQL NULL; the same statement runs again with other values.
  ASSERT_TRUE(
      Exec("INSERT INTO p (a, b, c) VALUES ($1, $2, $3)", {int64_t{8}, Null{}, int64_t{1}}));
  auto n = Query("SELECT a FROM p WHERE b IS NULL");
  ASSERT_TRUE(n);
  ASSERT_EQ(n->rows.size(), 1u);
  EXPECT_EQ(n->rows[0].Int(0), 8);
  // A '$1' inside a string literal is text, not a placeholder.
  auto lit = Query("SELECT b FROM p WHERE a = $1 AND '$1' = '$1'", {int64_t{7}});
  ASSERT_TRUE(lit) << Describe(lit.error());
  EXPECT_EQ(lit->rows.size(), 1u);
}

// AndContains matches text literally: % _ and \ in the search are characters, not patterns.
TEST_P(StoreTest, AndContainsMatchesLiterally) {
  ASSERT_TRUE(Exec("CREATE TABLE s (id BIGINT PRIMARY KEY, a TEXT, b TEXT)"));
  ASSERT_TRUE(
      Exec("INSERT INTO s (id, a, b) VALUES (1, '50% off', 'x'), (2, '500 off', 'x'), (3, 'a_b', "
           "'x'), (4, 'axb', 'y'), (5, 'x', 'c:\\d'), (6, 'x', '执法证 37010099')"));
  auto ids = [&](std::string_view text) {
    Params params{int64_t{0}};
    std::string where = "id > $1";
    AndContains(where, params, text, {"a", "b"});
    auto r = Query("SELECT id FROM s WHERE " + where + " ORDER BY id", params);
    EXPECT_TRUE(r) << Describe(r.error());
    std::vector<int64_t> out;
    if (r) {
      for (const auto& x : r->rows) out.push_back(x.Int(0));
    }
    return out;
  };
  EXPECT_EQ(ids("0%"), (std::vector<int64_t>{1}));
  EXPECT_EQ(ids("a_b"), (std::vector<int64_t>{3}));
  EXPECT_EQ(ids(":\\d"), (std::vector<int64_t>{5}));
  EXPECT_EQ(ids("y"), (std::vector<int64_t>{4}));  // the second column
  EXPECT_EQ(ids("执法证"), (std::vector<int64_t>{6}));
  EXPECT_EQ(ids("off").size(), 2u);
  Params none;
  std::string where = "1 = 1";
  AndContains(where, none, "", {"a"});
  EXPECT_EQ(where, "1 = 1");
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreTest, PlaceholdersHelper) {
  ASSERT_TRUE(Exec("CREATE TABLE h (id BIGINT PRIMARY KEY, name TEXT)"));
  ASSERT_TRUE(Exec("INSERT INTO h (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, 'a')"));
  Params params{std::string("a")};
  std::string list = Placeholders(params, {1, 2, 4});
  EXPECT_EQ(list, "$2, $3, $4");
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[3], Value(int64_t{4}));
  auto r = Query("SELECT id FROM h WHERE name = $1 AND id IN (" + list + ") ORDER BY id", params);
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].Int(0), 1);
  EXPECT_EQ(r->rows[1].Int(0), 4);

  Params none;
  std::string empty = Placeholders(none, {});
  EXPECT_EQ(empty, "NULL");
  EXPECT_TRUE(none.empty());
  auto e = Query("SELECT id FROM h WHERE id IN (" + empty + ")", none);
  ASSERT_TRUE(e) << Describe(e.error());
  EXPECT_TRUE(e->rows.empty());
}

TEST_P(StoreTest, ConstraintViolationsAreConflicts) {
  ASSERT_TRUE(Exec("CREATE TABLE parent (id BIGINT PRIMARY KEY)"));
  ASSERT_TRUE(
      Exec("CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES "
           "parent (id), code TEXT UNIQUE, qty BIGINT CHECK (qty >= 0))"));
  ASSERT_TRUE(Exec("INSERT INTO parent (id) VALUES (1)"));
  ASSERT_TRUE(Exec("INSERT INTO child (id, parent_id, code, qty) VALUES (1, 1, 'A', 0)"));

  struct Case {
    const char* what;
    std::string sql;
  };
  std::vector<Case> cases = {
      {"primary key", "INSERT INTO child (id, parent_id, code, qty) VALUES (1, 1, 'B', 0)"},
      {"unique", "INSERT INTO child (id, parent_id, code, qty) VALUES (2, 1, 'A', 0)"},
      {"not null", "INSERT INTO child (id, parent_id, code, qty) VALUES (3, NULL, 'C', 0)"},
      {"foreign key", "INSERT INTO child (id, parent_id, code, qty) VALUES (4, 99, 'D', 0)"},
      {"check", "INSERT INTO child (id, parent_id, code, qty) VALUES (5, 1, 'E', -1)"},
      {"foreign key on delete", "DELETE FROM parent WHERE id = 1"},
  };
  for (const auto& c : cases) {
    auto r = Exec(c.sql);
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().code, ErrorCode::kConflict) << c.what << ": " << Describe(r.error());
    EXPECT_FALSE(r.error().message_zh.empty());
    EXPECT_FALSE(r.error().message_en.empty());
  }
  EXPECT_EQ(Count("child"), 1);
  EXPECT_EQ(Count("parent"), 1);
}

TEST_P(StoreTest, SqlErrorsAreInternal) {
  auto r = Exec("INSERT INTO no_such_table (x) VALUES (1)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInternal) << Describe(r.error());
  EXPECT_NE(r.error().message_en.find("no_such_table"), std::string::npos)
      << "the database's message is kept: " << r.error().message_en;
  auto q = Query("SELEC 1");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, ErrorCode::kInternal);
}

TEST_P(StoreTest, FailedWriteRollsBackFully) {
  ASSERT_TRUE(Exec("CREATE TABLE r (id BIGINT PRIMARY KEY, v TEXT)"));
  ASSERT_TRUE(Exec("INSERT INTO r (id, v) VALUES (1, 'keep')"));

  // fn returns its own error after changing data: its error comes back, nothing is kept.
  Status st = db().Write([](Conn& c) -> Status {
    ZHIFA_TRY(c.Exec("INSERT INTO r (id, v) VALUES (2, 'gone')"));
    ZHIFA_TRY(c.Exec("UPDATE r SET v = 'changed' WHERE id = 1"));
    return core::Err(ErrorCode::kNotFound, "没有", "not found", "thing");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(st.error().field, "thing");

  // A constraint violation after earlier changes: the earlier changes are gone too.
  st = db().Write([](Conn& c) -> Status {
    ZHIFA_TRY(c.Exec("INSERT INTO r (id, v) VALUES (3, 'gone')"));
    ZHIFA_TRY(c.Exec("INSERT INTO r (id, v) VALUES (1, 'duplicate')"));
    return core::Ok();
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);

  auto r = Query("SELECT id, v FROM r ORDER BY id");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].Text(1), "keep");

  // Admin rolls back the same way.
  st = db().Admin([](Conn& c) -> Status {
    ZHIFA_TRY(c.Exec("INSERT INTO r (id, v) VALUES (4, 'gone')"));
    return core::Err(ErrorCode::kInternal, "失败", "failed");
  });
  EXPECT_FALSE(st);
  EXPECT_EQ(Count("r"), 1);
}

TEST_P(StoreTest, WriteSeesOwnChangesAndReadSeesCommitted) {
  ASSERT_TRUE(Exec("CREATE TABLE w (id BIGINT PRIMARY KEY, v BIGINT)"));
  Status st = db().Write([](Conn& c) -> Status {
    ZHIFA_TRY(c.Exec("INSERT INTO w (id, v) VALUES (1, 10)"));
    auto r = c.Query("SELECT v FROM w WHERE id = 1");
    if (!r) return r.error();
    if (r->rows.size() != 1 || r->rows[0].Int(0) != 10) {
      return core::Err(ErrorCode::kInternal, "看不到自己的写入", "own write not visible");
    }
    return core::Ok();
  });
  ASSERT_TRUE(st) << Describe(st.error());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Exec("UPDATE w SET v = $1 WHERE id = 1", {int64_t{i}}));
    auto r = Query("SELECT v FROM w WHERE id = 1");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0].Int(0), i);
  }
}

TEST_P(StoreTest, ReadIsReadOnly) {
  ASSERT_TRUE(Exec("CREATE TABLE ro (id BIGINT)"));
  Status st = db().Read([](Conn& c) -> Status {
    auto r = c.Exec("INSERT INTO ro (id) VALUES (1)");
    if (!r) return r.error();
    return core::Ok();
  });
  EXPECT_FALSE(st);
  EXPECT_EQ(Count("ro"), 0);
}

TEST_P(StoreTest, ReadSnapshotIsConsistent) {
  ASSERT_TRUE(Exec("CREATE TABLE s (id BIGINT PRIMARY KEY, v BIGINT)"));
  ASSERT_TRUE(Exec("INSERT INTO s (id, v) VALUES (1, 100), (2, 0)"));
  Status st = db().Read([&](Conn& c) -> Status {
    auto before = c.Query("SELECT SUM(v), COUNT(*) FROM s");
    if (!before) return before.error();
    // Another transaction commits a transfer and an insert meanwhile.
    Status w = db().Write([](Conn& wc) -> Status {
      ZHIFA_TRY(wc.Exec("UPDATE s SET v = v - 30 WHERE id = 1"));
      ZHIFA_TRY(wc.Exec("UPDATE s SET v = v + 30 WHERE id = 2"));
      ZHIFA_TRY(wc.Exec("INSERT INTO s (id, v) VALUES (3, 5)"));
      return core::Ok();
    });
    EXPECT_TRUE(w) << Describe(w.error());
    auto after = c.Query("SELECT v FROM s ORDER BY id");
    if (!after) return after.error();
    EXPECT_EQ(before->rows[0].Int(0), 100);
    EXPECT_EQ(before->rows[0].Int(1), 2);
    EXPECT_EQ(after->rows.size(), 2u) << "a committed insert appeared inside the snapshot";
    if (after->rows.size() == 2) {
      EXPECT_EQ(after->rows[0].Int(0), 100);
      EXPECT_EQ(after->rows[1].Int(0), 0);
    }
    return core::Ok();
  });
  ASSERT_TRUE(st) << Describe(st.error());
  auto r = Query("SELECT SUM(v), COUNT(*) FROM s");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rows[0].Int(0), 105);
  EXPECT_EQ(r->rows[0].Int(1), 3);
}

TEST_P(StoreTest, ConcurrentCounterHasNoLostOrDuplicateValues) {
  CreateCounters();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::mutex mu;
  std::vector<int64_t> seen;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        int64_t got = 0;
        Status st = db().Write([&](Conn& c) -> Status {
          auto r = c.Query("UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value",
                           {std::string("seq")});
          if (!r) return r.error();
          if (r->rows.size() != 1) return core::Err(ErrorCode::kInternal, "无行", "no row");
          got = r->rows[0].Int(0);
          return core::Ok();
        });
        std::lock_guard lock(mu);
        if (st) {
          seen.push_back(got);
        } else {
          errors.push_back(Describe(st.error()));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(errors.empty()) << errors.size() << " writes failed, first: " << errors[0];
  ASSERT_EQ(seen.size(), size_t{kThreads * kPerThread});
  std::sort(seen.begin(), seen.end());
  for (size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(seen[i], static_cast<int64_t>(i + 1)) << "lost or duplicate sequence value";
  }
  auto r = Query("SELECT value FROM counters WHERE name = 'seq'");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rows[0].Int(0), kThreads * kPerThread);
}

TEST_P(StoreTest, WriteAsyncCallsDoneExactlyOnce) {
  CreateCounters();
  constexpr int kJobs = 200;
  std::vector<std::atomic<int>> calls(kJobs);
  std::vector<int64_t> values(kJobs, 0);
  std::atomic<int> failures{0};
  std::mutex mu;
  std::condition_variable cv;
  int finished = 0;
  for (int i = 0; i < kJobs; ++i) {
    db().WriteAsync(
        [&, i](Conn& c) -> Status {
          auto r =
              c.Query("UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value");
          if (!r) return r.error();
          values[i] = r->rows.at(0).Int(0);
          return core::Ok();
        },
        [&, i](const Status& st) {
          if (!st) failures++;
          calls[i]++;
          std::lock_guard lock(mu);
          ++finished;
          cv.notify_all();
        });
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return finished == kJobs; }))
        << finished << " of " << kJobs << " done callbacks";
  }
  // done runs after the commit: the value is visible to a read started afterwards.
  auto r = Query("SELECT value FROM counters WHERE name = 'seq'");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rows[0].Int(0), kJobs);
  tdb_->Close();  // drains and stops the storage threads
  EXPECT_EQ(failures.load(), 0);
  for (int i = 0; i < kJobs; ++i) EXPECT_EQ(calls[i].load(), 1) << "job " << i;
  std::set<int64_t> distinct(values.begin(), values.end());
  EXPECT_EQ(distinct.size(), size_t{kJobs});
}

TEST_P(StoreTest, WriteAsyncQueuedWorkIsDrainedOnClose) {
  CreateCounters();
  std::atomic<int> done{0};
  for (int i = 0; i < 50; ++i) {
    db().WriteAsync(
        [](Conn& c) -> Status {
          return c.Exec("UPDATE counters SET value = value + 1 WHERE name = 'seq'").ok()
                     ? core::Ok()
                     : core::Status(core::Err(ErrorCode::kInternal, "失败", "failed"));
        },
        [&](const Status& st) {
          if (st) done++;
        });
  }
  tdb_->Close();
  EXPECT_EQ(done.load(), 50);
}

TEST_P(StoreTest, FailingJobDoesNotAffectOthersInTheSameBatch) {
  ASSERT_TRUE(Exec("CREATE TABLE j (id BIGINT PRIMARY KEY, v TEXT)"));
  ASSERT_TRUE(Exec("INSERT INTO j (id, v) VALUES (0, 'existing')"));
  constexpr int kJobs = 120;
  const std::vector<Status> results = RunQueued(kJobs, [](int i, Conn& c) -> Status {
    ZHIFA_TRY(c.Exec("INSERT INTO j (id, v) VALUES ($1, 'job')", {int64_t{i + 1}}));
    if (i % 7 == 3) return core::Err(ErrorCode::kInvalidArgument, "拒绝", "rejected");
    if (i % 7 == 5) {  // a constraint violation after the job's own insert
      ZHIFA_TRY(c.Exec("INSERT INTO j (id, v) VALUES (0, 'dup')"));
    }
    return core::Ok();
  });
  auto r = Query("SELECT id FROM j WHERE id > 0 ORDER BY id");
  ASSERT_TRUE(r) << Describe(r.error());
  std::set<int64_t> present;
  for (const Row& row : r->rows) present.insert(row.Int(0));
  for (int i = 0; i < kJobs; ++i) {
    const Status& st = results[i];
    if (i % 7 == 3) {
      ASSERT_FALSE(st) << "job " << i;
      EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
      EXPECT_FALSE(present.count(i + 1)) << "failed job " << i << " left its row";
    } else if (i % 7 == 5) {
      ASSERT_FALSE(st) << "job " << i;
      EXPECT_EQ(st.error().code, ErrorCode::kConflict);
      EXPECT_FALSE(present.count(i + 1)) << "failed job " << i << " left its row";
    } else {
      EXPECT_TRUE(st) << "job " << i << ": " << Describe(st.error());
      EXPECT_TRUE(present.count(i + 1)) << "job " << i << " lost";
    }
  }
  int expected = 1;
  for (int i = 0; i < kJobs; ++i) expected += (i % 7 != 3 && i % 7 != 5);
  EXPECT_EQ(Count("j"), expected);
}

// Conn::AddToCounter: SQLite's writer keeps a group commit's counters in memory and writes them
// once before the COMMIT; the values must still be gapless when jobs of the batch fail, and the
// table must hold the last one (on PostgreSQL every addition is its own UPDATE).
TEST_P(StoreTest, CountersStayGaplessWhenJobsOfABatchFail) {
  CreateCounters();
  ASSERT_TRUE(Exec("INSERT INTO counters (name, value) VALUES ('id', 1000)"));
  ASSERT_TRUE(Exec("CREATE TABLE j (seq BIGINT PRIMARY KEY, first_id BIGINT NOT NULL)"));
  ASSERT_TRUE(Exec("INSERT INTO j (seq, first_id) VALUES (0, 0)"));
  constexpr int kJobs = 120;
  std::vector<int64_t> seqs(kJobs, 0);
  const std::vector<Status> results = RunQueued(kJobs, [&seqs](int i, Conn& c) -> Status {
    auto seq = c.AddToCounter("seq", 1);
    if (!seq) return seq.error();
    auto ids = c.AddToCounter("id", 2);
    if (!ids) return ids.error();
    auto again = c.AddToCounter("id", 0);  // reads the job's own addition back
    if (!again || *again != *ids) {
      return core::Err(ErrorCode::kInternal, "计数器不一致", "counter read back differs");
    }
    ZHIFA_TRY(c.Exec("INSERT INTO j (seq, first_id) VALUES ($1, $2)", {*seq, *ids - 1}));
    if (i % 7 == 3) return core::Err(ErrorCode::kInvalidArgument, "拒绝", "rejected");
    if (i % 7 == 5) ZHIFA_TRY(c.Exec("INSERT INTO j (seq, first_id) VALUES (0, 0)"));
    seqs[i] = *seq;
    return core::Ok();
  });
  std::vector<int64_t> got;
  for (int i = 0; i < kJobs; ++i) {
    const bool fails = i % 7 == 3 || i % 7 == 5;
    ASSERT_EQ(results[i].ok(), !fails) << "job " << i;
    if (!fails) got.push_back(seqs[i]);
  }
  std::sort(got.begin(), got.end());
  for (size_t k = 0; k < got.size(); ++k) {
    ASSERT_EQ(got[k], static_cast<int64_t>(k + 1)) << "a failed job's number was used or lost";
  }
  const auto n = static_cast<int64_t>(got.size());
  auto r = Query("SELECT name, value FROM counters ORDER BY name");
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].Text(0), "id");
  EXPECT_EQ(r->rows[0].Int(1), 1000 + 2 * n);
  EXPECT_EQ(r->rows[1].Text(0), "seq");
  EXPECT_EQ(r->rows[1].Int(1), n);
  // The ids the committed jobs took are distinct pairs.
  auto ids =
      Query("SELECT COUNT(DISTINCT first_id), MIN(first_id), MAX(first_id) FROM j WHERE seq > 0");
  ASSERT_TRUE(ids) << Describe(ids.error());
  EXPECT_EQ(ids->rows[0].Int(0), n);
  EXPECT_EQ(ids->rows[0].Int(1), 1001);
  EXPECT_EQ(ids->rows[0].Int(2), 1000 + 2 * n - 1);
}

TEST_P(StoreTest, AMissingCounterIsAnError) {
  CreateCounters();
  Status st = db().Write([](Conn& c) -> Status {
    auto v = c.AddToCounter("nowhere", 1);
    if (!v) return v.error();
    return core::Ok();
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInternal);
  EXPECT_NE(st.error().message_en.find("nowhere"), std::string::npos) << st.error().message_en;
}

TEST_P(StoreTest, ExecScript) {
  Status st = db().Admin([](Conn& c) {
    return c.ExecScript(
        "CREATE TABLE m1 (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\n"
        "CREATE TABLE m2 (id BIGINT PRIMARY KEY, m1_id BIGINT REFERENCES m1 (id));\n"
        "-- a comment; with a semicolon\n"
        "INSERT INTO m1 (id, name) VALUES (1, '执法; 单位');\n"
        "INSERT INTO m2 (id, m1_id) VALUES (1, 1);\n");
  });
  ASSERT_TRUE(st) << Describe(st.error());
  auto r = Query("SELECT m1.name FROM m2 JOIN m1 ON m1.id = m2.m1_id");
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].Text(0), "执法; 单位");

  // A failing script leaves nothing behind when the transaction fails.
  st = db().Admin([](Conn& c) {
    return c.ExecScript(
        "INSERT INTO m1 (id, name) VALUES (2, 'x');\n"
        "INSERT INTO m1 (id, name) VALUES (3, NULL);\n");
  });
  EXPECT_FALSE(st);
  EXPECT_EQ(Count("m1"), 1);
}

TEST_P(StoreTest, ManyStatementsReuseCache) {
  // Exercises the prepared-statement caches: the same texts many times, in several connections.
  ASSERT_TRUE(Exec("CREATE TABLE c (id BIGINT PRIMARY KEY, v TEXT)"));
  for (int64_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(Exec("INSERT INTO c (id, v) VALUES ($1, $2)", {i, std::to_string(i)}));
  }
  for (int64_t i = 0; i < 100; i += 7) {
    auto r = Query("SELECT v FROM c WHERE id = $1", {i});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0].Text(0), std::to_string(i));
  }
}

TEST_P(StoreTest, ReconnectsAfterConnectionLoss) {
  ASSERT_TRUE(Exec("CREATE TABLE k (id BIGINT PRIMARY KEY)"));
  // Warm every pooled connection (and its prepared statements).
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Query("SELECT COUNT(*) FROM k"));
  Status kill = tdb_->KillConnections();
  ASSERT_TRUE(kill) << Describe(kill.error());
  for (int64_t i = 0; i < 10; ++i) {
    auto w = Exec("INSERT INTO k (id) VALUES ($1)", {i});
    EXPECT_TRUE(w) << "write " << i << ": " << Describe(w.error());
    auto r = Query("SELECT COUNT(*) FROM k");
    EXPECT_TRUE(r) << "read " << i << ": " << Describe(r.error());
  }
  EXPECT_TRUE(db().Ping());
  EXPECT_EQ(Count("k"), 10);
}

std::string BackendName(const ::testing::TestParamInfo<Dialect>& info) {
  return DialectName(info.param);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres), BackendName);

// SQLite: the WAL is checkpointed by the background connection while the writer goes on, and
// the writer's own checkpoint at 8× the threshold lets the WAL file start over, so the WAL stays
// bounded under a steady stream of commits; every committed row reads back afterwards.
// A SQLite database at `path` with the table t (id, body) the tests below fill.
core::Result<std::unique_ptr<Database>> OpenWithTable(const std::string& path, const Options& o) {
  auto db = Open("sqlite:" + path, o);
  if (!db) return db.error();
  auto made = (*db)->Write([](Conn& c) -> Status {
    auto r = c.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, body TEXT NOT NULL)");
    if (!r) return r.error();
    return core::Ok();
  });
  if (!made) return made.error();
  return std::move(*db);
}

TEST(SqliteCheckpointTest, WalStaysBoundedAndNothingIsLost) {
  const std::string dir = ::testing::TempDir() + "zhifa-ckpt-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/t.db";
  Options o;
  o.sqlite_checkpoint_pages = 20;
  int64_t max_wal = 0;
  {
    auto db = OpenWithTable(path, o);
    ASSERT_TRUE(db) << Describe(db.error());
    const std::string body(3000, 'x');  // about one page per row
    for (int i = 0; i < 600; ++i) {
      ASSERT_TRUE((*db)->Write([&](Conn& c) -> Status {
        auto r = c.Exec("INSERT INTO t (id, body) VALUES ($1, $2)", {int64_t{i}, body});
        if (!r) return r.error();
        return core::Ok();
      }));
      std::error_code ec;
      max_wal = std::max<int64_t>(
          max_wal, static_cast<int64_t>(std::filesystem::file_size(path + "-wal", ec)));
    }
    auto n = [&]() -> int64_t {
      int64_t out = -1;
      EXPECT_TRUE((*db)->Read([&](Conn& c) -> Status {
        auto r = c.Query("SELECT count(*) FROM t");
        if (!r) return r.error();
        out = r->rows[0].Int(0);
        return core::Ok();
      }));
      return out;
    }();
    EXPECT_EQ(n, 600);
  }
  // 600 commits of ≥ 1 page each would make a WAL of ≥ 2.4 MB without checkpoints; with them it
  // restarts near 8 × 20 pages (plus the frames of the commits in flight meanwhile).
  EXPECT_GT(max_wal, 0);
  EXPECT_LT(max_wal, 2 * 8 * 20 * 4200);
  // The database file alone (the WAL is folded in on close) holds every row.
  auto again = Open("sqlite:" + path);
  ASSERT_TRUE(again) << Describe(again.error());
  ASSERT_TRUE((*again)->Read([](Conn& c) -> Status {
    auto r = c.Query("SELECT count(*), min(id), max(id) FROM t");
    if (!r) return r.error();
    EXPECT_EQ(r->rows[0].Int(0), 600);
    EXPECT_EQ(r->rows[0].Int(1), 0);
    EXPECT_EQ(r->rows[0].Int(2), 599);
    return core::Ok();
  }));
  again->reset();
  std::filesystem::remove_all(dir);
}

// The writer's commits reach the WAL in one write(2) per 120 KiB (store/sqlite_wal_vfs.h), and
// every commit is in the WAL file when Write returns: a copy of the database and WAL files taken
// then, opened elsewhere (SQLite recovers the WAL), holds exactly the committed rows — small
// commits, a commit of ≈ 300 pages and one above the 8 MB that are written out at once. With
// the gathering off, SQLite writes each frame twice (header, page): the count of write calls
// shows the difference.
int64_t WriteCalls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  int64_t value = 0;
  while (io >> key >> value) {
    if (key == "syscw:") return value;
  }
  return -1;
}

TEST(SqliteWalBufferTest, CommitsAreInTheWalFileWhenWriteReturns) {
  for (bool gather : {true, false}) {
    const std::string dir = ::testing::TempDir() + "zhifa-walbuf-" + std::to_string(::getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir + "/copy");
    const std::string path = dir + "/t.db";
    Options o;
    o.sqlite_gather_wal_writes = gather;
    o.sqlite_checkpoint_pages = 1000000;  // no checkpoint folds the WAL in meanwhile
    auto db = OpenWithTable(path, o);
    ASSERT_TRUE(db) << Describe(db.error());
    int64_t rows = 0;
    auto insert = [&](int n, size_t size) {
      ASSERT_TRUE((*db)->Write([&](Conn& c) -> Status {
        for (int i = 0; i < n; ++i) {
          const std::string body(size, static_cast<char>('a' + (rows + i) % 26));
          auto r = c.Exec("INSERT INTO t (id, body) VALUES ($1, $2)", {rows + i, body});
          if (!r) return r.error();
        }
        return core::Ok();
      }));
      rows += n;
    };
    // A copy of the files as they are now, opened on its own: the committed rows, intact.
    auto check_copy = [&](const std::string& when) {
      std::filesystem::copy_file(path, dir + "/copy/t.db",
                                 std::filesystem::copy_options::overwrite_existing);
      std::filesystem::copy_file(path + "-wal", dir + "/copy/t.db-wal",
                                 std::filesystem::copy_options::overwrite_existing);
      std::filesystem::remove(dir + "/copy/t.db-shm");
      auto copy = Open("sqlite:" + dir + "/copy/t.db");
      ASSERT_TRUE(copy) << when << ": " << Describe(copy.error());
      ASSERT_TRUE((*copy)->Read([&](Conn& c) -> Status {
        auto r = c.Query("SELECT count(*), sum(length(body)) FROM t");
        if (!r) return r.error();
        EXPECT_EQ(r->rows[0].Int(0), rows) << when;
        auto ok = c.Query("PRAGMA integrity_check");
        if (!ok) return ok.error();
        EXPECT_EQ(ok->rows[0].Text(0), "ok") << when;
        return core::Ok();
      }));
      copy->reset();
      for (const char* f : {"/copy/t.db", "/copy/t.db-wal", "/copy/t.db-shm"}) {
        std::filesystem::remove(dir + f);
      }
    };
    for (int i = 0; i < 20; ++i) insert(1 + i % 3, 100 + 400 * static_cast<size_t>(i));
    check_copy("small commits");
    const int64_t before = WriteCalls();
    insert(300, 3000);  // ≈ 300 pages: one commit
    const int64_t calls = WriteCalls() - before;
    check_copy("a commit of 300 pages");
    if (gather) {
      EXPECT_LT(calls, 60) << "300 frames of ≈ 4 KiB in pieces of 120 KiB";
    } else {
      EXPECT_GE(calls, 600) << "SQLite's own: a header and a page per frame";
    }
    insert(2600, 3000);  // ≈ 10 MB: written out at 8 MB and at the commit
    check_copy("a commit above 8 MB");
    db->reset();
    std::filesystem::remove_all(dir);
  }
}

// PostgreSQL: this server's sessions run without JIT compilation and parallel workers (short
// indexed statements, where either costs more than the query).
TEST(PostgresSessionTest, NoJitNoParallelWorkers) {
  const char* url = PgUrlOrNull();
  if (!url) {
    if (RequirePg()) GTEST_FAIL() << "ZHIFA_REQUIRE_PG=1 but ZHIFA_TEST_PG_URL is not set";
    GTEST_SKIP() << "ZHIFA_TEST_PG_URL is not set";
  }
  auto db = Open(url);
  ASSERT_TRUE(db) << Describe(db.error());
  ASSERT_TRUE((*db)->Read([](Conn& c) -> Status {
    auto r = c.Query(
        "SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather'), "
        "current_setting('bytea_output')");
    if (!r) return r.error();
    EXPECT_EQ(r->rows[0].Text(0), "off");
    EXPECT_EQ(r->rows[0].Text(1), "0");
    EXPECT_EQ(r->rows[0].Text(2), "hex");
    return core::Ok();
  }));
}

TEST(OpenTest, UnknownSchemeIsInvalidArgument) {
  for (const char* url : {"mysql://localhost/x", "", "sqlite", "file:/tmp/x.db"}) {
    auto db = Open(url);
    ASSERT_FALSE(db) << url;
    EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(db.error().field, "ZHIFA_DB") << url;
  }
}

TEST(OpenTest, UnopenableSqliteIsUnavailable) {
  auto db = Open("sqlite:/nonexistent-zhifa-dir/sub/test.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kUnavailable) << Describe(db.error());
}

TEST(OpenTest, UnreachablePostgresIsUnavailable) {
  // Port 1 on loopback: nothing listens there; the connection is refused at once.
  auto db = Open("postgresql://postgres@127.0.0.1:1/zhifa_test?connect_timeout=2");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kUnavailable) << Describe(db.error());
}

TEST(OpenTest, MalformedPostgresUrlIsRejected) {
  auto db = Open("postgresql://postgres@127.0.0.1:1/zhifa_test?no_such_option=1");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument) << Describe(db.error());
  EXPECT_EQ(db.error().field, "ZHIFA_DB");
}

}  // namespace
}  // namespace zhifa::store

namespace zhifa::store {
namespace {

TEST(SqliteCheckpointWindow, GrowsWithTheFileBetweenItsBounds) {
  struct Row {
    int64_t database_pages, min_pages, window;
  };
  for (const Row& r : std::vector<Row>{
           {0, 4000, 4000},
           {149'000, 4000, 4000},  // the 50,000-case database (611 MB)
           {400'000, 4000, 4000},
           {400'100, 4000, 4001},
           {3'114'000, 4000, 31'140},  // the 1 M-case database (12.7 GB)
           {3'200'000, 4000, 32'000},
           {50'000'000, 4000, 32'000},
           {1'000, 20, 20},
           {100'000, 20, 160},
       }) {
    EXPECT_EQ(SqliteCheckpointWindow(r.database_pages, r.min_pages), r.window)
        << r.database_pages << " / " << r.min_pages;
  }
}

}  // namespace
}  // namespace zhifa::store
