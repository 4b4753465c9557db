// zhifa::app::Config — configuration from defaults, an optional TOML file and environment
// variables (later wins). Defaults need no file: SQLite under ./zhifa-data, 127.0.0.1:8080.
//
// Environment: ZHIFA_CONFIG (TOML path), ZHIFA_DB (sqlite:PATH | postgresql://…),
// ZHIFA_LISTEN (host:port), ZHIFA_DATA_DIR, ZHIFA_ADMIN_PASSWORD (first start only).
#pragma once

#include <string>

#include "auth/auth_rules.h"
#include "cases/case_rules.h"
#include "core/result.h"
#include "discretion/discretion_rules.h"
#include "http/server.h"
#include "officers/officers_rules.h"
#include "record/record_service.h"
#include "store/database.h"

namespace zhifa::app {

// Evidence files (证据材料): where they live and how large one may be.
struct EvidenceOptions {
  std::string dir;                  // empty → <data_dir>/evidence
  uint64_t max_bytes = 4ULL << 30;  // evidence.max_bytes / ZHIFA_EVIDENCE_MAX_BYTES (4 GiB)
};

struct Config {
  std::string data_dir = "./zhifa-data";
  std::string db_url;  // empty → sqlite:<data_dir>/zhifa.db
  http::ServerOptions server;
  store::Options store;
  auth::AuthPolicy auth;
  std::string admin_password;           // from ZHIFA_ADMIN_PASSWORD
  std::string key_file;                 // field encryption key; empty → <data_dir>/keys/field.key
  discretion::EngineParams discretion;  // [discretion]: how 从轻/从重 narrow the range
  EvidenceOptions evidence;
  officers::OfficerOptions officers;  // [officers]: expiring-soon window, reviewer ratio (item 34)
  cases::CaseParams cases;  // [cases]: hearing thresholds (第63条), extensions, due-soon window
  // The record log's hash algorithm ("sm3" | "sha256"; record.hash / ZHIFA_RECORD_HASH). Evidence
  // files are named by the same hash. Read through RecordHashName() only.
  std::string record_hash = "sm3";

  std::string EvidenceDir() const;
  // The one place the evidence store learns the log's algorithm (issue 4 fixes it in a metadata
  // row; then this reads that row instead).
  const std::string& RecordHashName() const { return record_hash; }

  std::string KeyFile() const;
  record::RecordOptions record;  // [record]: hash, signature, origin, checkpoint cadence
  // The checkpoint signing key and the key of the ID-number hash (data_dir/keys/…).
  std::string RecordKeyFile() const { return data_dir + "/keys/record-sign.pem"; }
  std::string PersonKeyFile() const { return data_dir + "/keys/person-id.key"; }

  std::string DatabaseUrl() const;
};

// Loads the configuration. `file` overrides ZHIFA_CONFIG when non-empty. Errors:
// kInvalidArgument naming the key (e.g. "server.listen") or the file and line of a TOML error.
core::Result<Config> LoadConfig(const std::string& file = {});

// The documented example configuration (zhifa.example.toml).
const char* ExampleConfig();

}  // namespace zhifa::app
