// SQL golden tests: runs every test/sql/**/*.test file (sqllogictest style) on SQLite and, when
// ZHIFA_TEST_PG_URL is set, on PostgreSQL, through the store interface (database.h).
//
// File format — records separated by blank lines:
//   # comment                      (lines starting with '#' between records)
//   onlyif sqlite|postgres         (optional, before a record; skipif likewise)
//   statement ok                   then SQL (one statement, may span lines): must succeed
//   statement error [substring]    then SQL: must fail; the text "<Code>: <message>" (e.g.
//                                  "Conflict: constraint violation: …") must contain the
//                                  substring, case-insensitively; empty accepts any error
//   query [anything] [rowsort]     then SQL, a line "----", then the expected rows: one line per
//                                  row, columns separated by one space, NULL as NULL, an empty
//                                  string as (empty), doubles as %.12g; rowsort sorts both sides
// Each record runs in its own write transaction; each file gets a fresh database.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "store/database.h"
#include "store/test_database.h"

#ifndef ZHIFA_SQL_TEST_DIR
#error "ZHIFA_SQL_TEST_DIR must name the test/sql directory"
#endif

namespace zhifa::store {
namespace {

namespace fs = std::filesystem;
using testing::PgUrlOrNull;
using testing::RequirePg;
using testing::TestDatabase;

enum class Kind { kStatementOk, kStatementError, kQuery };

struct Record {
  int line = 0;  // line of the command
  Kind kind = Kind::kStatementOk;
  std::string error_substring;
  bool rowsort = false;
  std::string sql;
  std::vector<std::string> expected;
  std::vector<std::string> onlyif;
  std::vector<std::string> skipif;
};

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// Parses a file; parse errors are returned as "line N: message" strings.
std::vector<Record> Parse(const std::string& path, std::vector<std::string>& errors) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
  }
  std::vector<Record> out;
  size_t i = 0;
  auto blank = [&](size_t k) { return Trim(lines[k]).empty(); };
  while (i < lines.size()) {
    if (blank(i) || StartsWith(Trim(lines[i]), "#")) {
      ++i;
      continue;
    }
    Record rec;
    // Conditions.
    while (i < lines.size() &&
           (StartsWith(lines[i], "onlyif ") || StartsWith(lines[i], "skipif "))) {
      std::string db = Trim(lines[i].substr(7));
      if (db != "sqlite" && db != "postgres") {
        errors.push_back("line " + std::to_string(i + 1) + ": unknown database '" + db + "'");
      }
      (StartsWith(lines[i], "onlyif ") ? rec.onlyif : rec.skipif).push_back(db);
      ++i;
    }
    if (i >= lines.size()) break;
    std::string cmd = Trim(lines[i]);
    rec.line = static_cast<int>(i + 1);
    if (cmd == "statement ok") {
      rec.kind = Kind::kStatementOk;
    } else if (StartsWith(cmd, "statement error")) {
      rec.kind = Kind::kStatementError;
      rec.error_substring = Trim(cmd.substr(15));
    } else if (cmd == "query" || StartsWith(cmd, "query ")) {
      rec.kind = Kind::kQuery;
      std::istringstream words(cmd.substr(5));
      for (std::string w; words >> w;) rec.rowsort = rec.rowsort || w == "rowsort";
    } else {
      errors.push_back("line " + std::to_string(i + 1) + ": unknown command '" + cmd + "'");
      while (i < lines.size() && !blank(i)) ++i;
      continue;
    }
    ++i;
    bool saw_separator = false;
    while (i < lines.size() && !blank(i)) {
      if (rec.kind == Kind::kQuery && Trim(lines[i]) == "----") {
        saw_separator = true;
        ++i;
        break;
      }
      rec.sql += lines[i] + "\n";
      ++i;
    }
    if (saw_separator) {
      while (i < lines.size() && !blank(i)) rec.expected.push_back(lines[i++]);
    } else if (rec.kind == Kind::kQuery) {
      errors.push_back("line " + std::to_string(rec.line) + ": query without ----");
    }
    if (Trim(rec.sql).empty()) {
      errors.push_back("line " + std::to_string(rec.line) + ": record without SQL");
    }
    out.push_back(std::move(rec));
  }
  return out;
}

std::string Format(const Value& v) {
  if (std::holds_alternative<Null>(v)) return "NULL";
  if (const auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (const auto* p = std::get_if<double>(&v)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", *p);
    return buf;
  }
  const auto& s = std::get<std::string>(v);
  return s.empty() ? "(empty)" : s;
}

std::string Diff(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  std::string out;
  size_t n = std::max(expected.size(), actual.size());
  for (size_t k = 0; k < n; ++k) {
    bool has_e = k < expected.size();
    bool has_a = k < actual.size();
    if (has_e && has_a && expected[k] == actual[k]) {
      out += "  " + expected[k] + "\n";
      continue;
    }
    if (has_e) out += "- " + expected[k] + "\n";
    if (has_a) out += "+ " + actual[k] + "\n";
  }
  return out;
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(ZHIFA_SQL_TEST_DIR, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".test") {
      files.push_back(fs::relative(it->path(), ZHIFA_SQL_TEST_DIR).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class SqlGoldenTest : public ::testing::TestWithParam<std::tuple<std::string, Dialect>> {};

TEST_P(SqlGoldenTest, Run) {
  const auto& [file, dialect] = GetParam();
  const std::string dbname = DialectName(dialect);
  if (dialect == Dialect::kPostgres && !PgUrlOrNull()) {
    if (RequirePg()) GTEST_FAIL() << "ZHIFA_REQUIRE_PG=1 but ZHIFA_TEST_PG_URL is not set";
    GTEST_SKIP() << "ZHIFA_TEST_PG_URL is not set";
  }
  std::string path = (fs::path(ZHIFA_SQL_TEST_DIR) / file).string();
  std::vector<std::string> parse_errors;
  std::vector<Record> records = Parse(path, parse_errors);
  for (const auto& e : parse_errors) ADD_FAILURE() << path << ": " << e;
  ASSERT_FALSE(records.empty()) << path << ": no records";

  auto t = TestDatabase::Create(dialect);
  ASSERT_TRUE(t) << t.error().message_en;
  Database& db = (*t)->db();

  int ran = 0;
  for (const Record& rec : records) {
    if (!rec.onlyif.empty() &&
        std::find(rec.onlyif.begin(), rec.onlyif.end(), dbname) == rec.onlyif.end()) {
      continue;
    }
    if (std::find(rec.skipif.begin(), rec.skipif.end(), dbname) != rec.skipif.end()) continue;
    ++ran;
    std::string where = path;
    where += ":" + std::to_string(rec.line) + " [" + std::string(dbname) + "]";
    std::vector<std::string> actual;
    core::Status st = db.Write([&](Conn& c) -> core::Status {
      if (rec.kind != Kind::kQuery) {
        auto r = c.Exec(rec.sql);
        if (!r) return r.error();
        return core::Ok();
      }
      auto r = c.Query(rec.sql);
      if (!r) return r.error();
      for (const Row& row : r->rows) {
        std::string line;
        for (size_t k = 0; k < row.size(); ++k) {
          if (k) line += ' ';
          line += Format(row.at(k));
        }
        actual.push_back(std::move(line));
      }
      return core::Ok();
    });
    std::string error_text =
        st ? "" : std::string(core::ErrorCodeName(st.error().code)) + ": " + st.error().message_en;
    switch (rec.kind) {
      case Kind::kStatementOk:
        EXPECT_TRUE(st) << where << ": statement failed: " << error_text << "\n" << rec.sql;
        break;
      case Kind::kStatementError:
        if (st) {
          ADD_FAILURE() << where << ": statement succeeded, expected an error\n" << rec.sql;
        } else if (Lower(error_text).find(Lower(rec.error_substring)) == std::string::npos) {
          ADD_FAILURE() << where << ": error does not contain \"" << rec.error_substring
                        << "\": " << error_text << "\n"
                        << rec.sql;
        }
        break;
      case Kind::kQuery: {
        if (!st) {
          ADD_FAILURE() << where << ": query failed: " << error_text << "\n" << rec.sql;
          break;
        }
        std::vector<std::string> expected = rec.expected;
        if (rec.rowsort) {
          std::sort(expected.begin(), expected.end());
          std::sort(actual.begin(), actual.end());
        }
        if (expected != actual) {
          ADD_FAILURE() << where << ": result differs (- expected, + actual)\n"
                        << rec.sql << "----\n"
                        << Diff(expected, actual);
        }
        break;
      }
    }
  }
  EXPECT_GT(ran, 0) << path << ": no record ran on " << dbname;
}

std::string TestName(const ::testing::TestParamInfo<SqlGoldenTest::ParamType>& info) {
  std::string name = std::get<0>(info.param);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name + "_" + DialectName(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Files, SqlGoldenTest,
                         ::testing::Combine(::testing::ValuesIn(TestFiles()),
                                            ::testing::Values(Dialect::kSqlite,
                                                              Dialect::kPostgres)),
                         TestName);

// Guards against a wrong ZHIFA_SQL_TEST_DIR silently running nothing.
TEST(SqlGoldenFiles, Found) { EXPECT_FALSE(TestFiles().empty()) << ZHIFA_SQL_TEST_DIR; }

}  // namespace
}  // namespace zhifa::store
