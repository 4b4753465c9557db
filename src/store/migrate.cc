#include "store/migrate.h"

#include <algorithm>
#include <map>

#include "core/embedded.h"
#include "core/time.h"

namespace zhifa::store {
namespace {

using core::Err;
using core::ErrorCode;

constexpr std::string_view kDir = "store/migrations/";

}  // namespace

std::vector<Migration> Migrations(Dialect dialect) {
  // version → (shared, override)
  std::map<int64_t, Migration> shared;
  std::map<int64_t, Migration> special;
  const std::string suffix = std::string(".") + DialectName(dialect) + ".sql";
  for (const auto& f : embed::sql()) {
    if (f.path.rfind(kDir, 0) != 0) continue;
    std::string file(f.path.substr(kDir.size()));
    if (file.size() < 9 || file.find('/') != std::string::npos) continue;
    int64_t version = std::stoll(file.substr(0, 4));
    std::string stem = file.substr(5, file.size() - 5 - 4);  // drop "NNNN_" and ".sql"
    bool is_override = false;
    bool other_dialect = false;
    for (const char* d : {"sqlite", "postgres"}) {
      std::string tail = std::string(".") + d;
      if (stem.size() > tail.size() &&
          stem.compare(stem.size() - tail.size(), tail.size(), tail) == 0) {
        stem.resize(stem.size() - tail.size());
        if (file.size() >= suffix.size() &&
            file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
          is_override = true;
        } else {
          other_dialect = true;
        }
      }
    }
    if (other_dialect) continue;
    Migration m{version, stem, std::string(f.data)};
    (is_override ? special : shared)[version] = std::move(m);
  }
  for (auto& [v, m] : special) shared[v] = std::move(m);
  std::vector<Migration> out;
  out.reserve(shared.size());
  for (auto& [v, m] : shared) out.push_back(std::move(m));
  return out;
}

int64_t LatestVersion() {
  auto all = Migrations(Dialect::kSqlite);
  return all.empty() ? 0 : all.back().version;
}

core::Result<int64_t> CurrentVersion(Database& db) {
  int64_t version = 0;
  auto st = db.Read([&](Conn& c) -> core::Status {
    // schema_version may not exist yet: probe the catalogue portably.
    auto probe = c.Query(c.dialect() == Dialect::kSqlite
                             ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                               "'schema_version'"
                             : "SELECT count(*) FROM information_schema.tables WHERE table_schema "
                               "= current_schema() AND table_name = 'schema_version'");
    if (!probe) return probe.error();
    if (probe->rows.at(0).Int(0) == 0) return core::Ok();
    auto r = c.Query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (!r) return r.error();
    version = r->rows.at(0).Int(0);
    return core::Ok();
  });
  if (!st) return st.error();
  return version;
}

core::Result<int> Migrate(Database& db) {
  auto current = CurrentVersion(db);
  if (!current) return current.error();
  if (*current > LatestVersion()) {
    return Err(ErrorCode::kConflict,
               "数据库版本 " + std::to_string(*current) + " 高于本程序支持的版本 " +
                   std::to_string(LatestVersion()) + "，拒绝运行；请升级程序",
               "database schema version " + std::to_string(*current) +
                   " is newer than this binary's " + std::to_string(LatestVersion()) +
                   "; refusing to run — upgrade the binary");
  }
  int applied = 0;
  for (const auto& m : Migrations(db.dialect())) {
    if (m.version <= *current) continue;
    auto st = db.Admin([&](Conn& c) -> core::Status {
      ZHIFA_TRY(c.ExecScript(m.sql));
      auto r = c.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
                      {m.version, m.name, core::FormatRfc3339Micros(core::NowMicros())});
      if (!r) return r.error();
      return core::Ok();
    });
    if (!st) {
      const auto& e = st.error();
      return Err(
          ErrorCode::kInternal,
          "迁移 " + std::to_string(m.version) + " (" + m.name + ") 失败: " + e.message_zh,
          "migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + e.message_en);
    }
    ++applied;
  }
  return applied;
}

core::Status CheckVersion(Database& db) {
  auto current = CurrentVersion(db);
  if (!current) return current.error();
  if (*current > LatestVersion()) {
    return Err(ErrorCode::kConflict,
               "数据库版本 " + std::to_string(*current) + " 高于本程序支持的版本 " +
                   std::to_string(LatestVersion()) + "，拒绝启动",
               "database schema version " + std::to_string(*current) +
                   " is newer than this binary's " + std::to_string(LatestVersion()) +
                   "; refusing to start");
  }
  if (*current < LatestVersion()) {
    return Err(ErrorCode::kUnavailable, "数据库尚未迁移到最新版本", "database is not migrated");
  }
  return core::Ok();
}

}  // namespace zhifa::store
