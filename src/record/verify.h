// zhifa::record::VerifyLog — the whole-log check behind `zhifa verify`.
//
// Recomputes every leaf from the stored entries (record_log), rebuilds the tree, checks every
// checkpoint's signature and that each is consistent with the one before (its root is the root
// recomputed at its size), and compares every recomputed leaf with the stored one
// (record_log.leaf) and every recomputed subtree of the stored levels with record_nodes. It stops
// at the first fault and names it: the entry (seq) and what is wrong — changed, missing
// (deleted), inserted, out of order — or the checkpoint or tree row and what is wrong.
//
// Entries are read in batches with one streaming query each; the payload, entry and leaf hashes
// of a batch are computed on a second thread while the next batch is read and the tree of the
// previous one is built (bench/README.md, "Record log on the database").
//
// "Extra checks" (ExtraCheck) run after the log checks; the evidence store plugs in here to
// re-hash its files.
//
// Thread-safety: one call at a time per Database is not required (reads only), but the progress
// callback is called from the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "record/checkpoint.h"
#include "store/database.h"

namespace zhifa::record {

struct LogVerifyReport {
  bool ok = true;
  uint64_t entries = 0;       // entries checked
  uint64_t from_size = 0;     // first entry checked is from_size + 1
  uint64_t checkpoints = 0;   // checkpoints checked
  uint64_t bytes_hashed = 0;  // payload, entry and node bytes fed to the hash
  uint64_t files = 0;         // extra checks: files checked
  uint64_t file_bytes = 0;    // extra checks: bytes of files re-hashed
  double seconds = 0;
  std::optional<uint64_t> bad_seq;  // the first bad entry, when an entry is at fault
  std::string problem_zh;           // what is wrong (empty when ok)
  std::string problem_en;

  nlohmann::json ToJson() const;
};

// An additional check run by VerifyLog after the log (e.g. the evidence store's files).
class ExtraCheck {
 public:
  virtual ~ExtraCheck() = default;
  virtual std::string name() const = 0;
  // Checks and adds to report.files / report.file_bytes / report.bytes_hashed. On a fault, sets
  // report.ok = false and the problem fields (naming the file) and returns Ok; returns an error
  // only when the check cannot run at all.
  virtual core::Status Run(store::Database& db, LogVerifyReport& report) = 0;
};

struct VerifyOptions {
  // Check only entries after the latest checkpoint (whose root is checked against the stored
  // tree; the entries before it were checked by an earlier run).
  bool from_checkpoint = false;
  // The key that signed the checkpoints. When absent the public key in record_meta is used
  // (weaker: whoever can write the database can replace it; `zhifa verify` passes the key file).
  std::optional<NoteVerifier> verifier;
  std::vector<ExtraCheck*> extra_checks;
  // Called now and then with (entries done, entries to check).
  std::function<void(uint64_t, uint64_t)> progress;
  uint64_t batch = 4096;  // entries per query
  bool pipeline = true;   // hash on a second thread (false: everything on the calling thread)
};

// Errors only when the check cannot run (database unreachable, no record_meta); a damaged log
// gives a report with ok = false.
core::Result<LogVerifyReport> VerifyLog(store::Database& db, const VerifyOptions& options);

}  // namespace zhifa::record
