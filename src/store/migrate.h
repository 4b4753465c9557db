// Numbered, forward-only schema migrations (src/store/migrations/NNNN_name.sql, embedded).
//
// A migration file may have a per-dialect override `NNNN_name.sqlite.sql` /
// `NNNN_name.postgres.sql`, used instead of the shared file for that dialect. Applied versions
// are rows of schema_version. Thread-safety: call before serving, from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace zhifa::store {

struct Migration {
  int64_t version;
  std::string name;
  std::string sql;  // the text for the chosen dialect
};

// All migrations for `dialect`, ordered by version.
std::vector<Migration> Migrations(Dialect dialect);

// The highest version this binary knows.
int64_t LatestVersion();

// The database's current version (0 for an empty database).
core::Result<int64_t> CurrentVersion(Database& db);

// Applies the missing migrations, each in its own transaction. Errors: kConflict when the
// database is newer than this binary (refuse to run), kInternal when a migration fails.
// Returns the number of migrations applied.
core::Result<int> Migrate(Database& db);

// Refuses (kConflict) a database newer than the binary and (kUnavailable) one that is not
// migrated to the latest version; used by `serve` at start.
core::Status CheckVersion(Database& db);

}  // namespace zhifa::store
