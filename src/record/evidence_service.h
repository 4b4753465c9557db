// zhifa::record::EvidenceService — evidence metadata and commands. An upload is validated
// (metadata, data scope of the unit) before its body is read; when the body is complete its
// bytes are identified (magic numbers → 415 when not accepted), committed to the
// content-addressed EvidenceStore, and one CommandBus command inserts the metadata row and emits
// `evidence.added` (hash, size, content type, stage, captured_at, device, location, officer,
// target) — the row and the log entry commit in one transaction, so the Merkle log commits to the
// file's hash. Reads apply the caller's data scope to the evidence's unit (404 outside it).
// Thread-safety: thread-safe (the database and the store are).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.h"
#include "org/org_service.h"
#include "org/principal.h"
#include "record/command_bus.h"
#include "record/evidence_rules.h"
#include "record/evidence_store.h"

namespace zhifa::record {

// What the uploader says about the file (validated by Prepare).
struct EvidenceInput {
  std::string target_kind;  // "enterprise" | "record"
  std::string target;
  std::optional<int64_t> unit_id;  // default: the uploader's unit
  std::string stage;
  std::string captured_at;  // RFC 3339
  std::string device;
  std::string location;
  std::string file_name;
  std::string note;
};

// Validated metadata, ready for Add.
struct NewEvidence {
  EvidenceTargetKind target_kind = EvidenceTargetKind::kRecord;
  std::string target;
  int64_t unit_id = 0;
  std::string stage;
  std::string captured_at;  // normalised RFC 3339 UTC
  std::string device, location, file_name, note;
};

struct Evidence {
  int64_t id = 0;
  std::string hash, hash_alg;
  uint64_t size = 0;
  std::string content_type, file_name, stage, target_kind, target;
  int64_t unit_id = 0;
  std::string unit_name;
  std::string captured_at, device, location, note;
  int64_t created_by = 0;
  std::string created_by_name;
  std::string created_at;
  int64_t created_seq = 0;
  bool deduplicated = false;  // Add only: the same bytes were stored before
  nlohmann::json ToJson() const;
};

struct EvidenceQuery {
  std::string target_kind, target, stage;
  std::optional<int64_t> unit_id;
  int page = 1;
  int page_size = 50;
};

class EvidenceService {
 public:
  EvidenceService(store::Database& db, CommandBus& bus, org::OrgService& org, EvidenceStore& store)
      : db_(db), bus_(bus), org_(org), store_(store) {}
  EvidenceStore& store() { return store_; }

  // Checks an upload's metadata and that the unit is within the caller's data scope. Errors:
  // kInvalidArgument naming the field (query parameter), kNotFound for a unit outside scope.
  core::Result<NewEvidence> Prepare(const org::Principal& p, const EvidenceInput& in);

  // Identifies, stores and records an uploaded file. Errors: kInvalidArgument (empty file,
  // field "file"), kUnsupportedMediaType (field "file"), storage errors. On any error nothing is
  // recorded and the upload's temp file is removed by its owner.
  core::Result<Evidence> Add(const org::Principal& p, const NewEvidence& meta,
                             EvidenceStore::Upload& upload, const std::string& ip);

  core::Result<nlohmann::json> List(const org::Principal& p, const EvidenceQuery& q);
  // kNotFound when absent or outside the caller's scope.
  core::Result<Evidence> Get(const org::Principal& p, int64_t id);
  // Re-hashes the file of one evidence row.
  core::Result<FileCheck> Verify(const org::Principal& p, int64_t id);

  // Every evidence file named by a metadata row: hash hex → size.
  core::Result<std::map<std::string, uint64_t>> ExpectedFiles();
  // Re-hashes every stored file against the metadata (missing, changed, unreferenced). For
  // `zhifa verify`.
  core::Result<VerifyReport> VerifyAll(const std::function<void(const VerifyProgress&)>& progress);

 private:
  store::Database& db_;
  CommandBus& bus_;
  org::OrgService& org_;
  EvidenceStore& store_;
};

}  // namespace zhifa::record
