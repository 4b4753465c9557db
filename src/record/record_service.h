// zhifa::record::RecordService — the verifiable record log's read side and checkpoints: signed
// checkpoints (every N entries or T seconds, and on demand), leaf bytes, inclusion and
// consistency proofs from the database-backed tree, and the entries of one enforcement target
// (an enterprise by 统一社会信用代码, a person by a keyed hash of the ID number) within the
// caller's data scope.
//
// Checkpoints are signed with a key created at first start in the data directory (0600, SM2 by
// default, Ed25519 as an option). Each new checkpoint is checked consistent with the previous one
// (RFC 9162 consistency proof from the stored tree) before it is stored; an inconsistent log is
// refused loudly (error logged, no checkpoint).
//
// Checkpoints are not commands: writing one emits no record entry (an entry would make every
// checkpoint stale the moment it is written). They are rows of record_checkpoints, each checked by
// signature and consistency by `zhifa verify`.
//
// Thread-safety: thread-safe; Start() runs the checkpoint timer on its own thread, Stop() (or
// the destructor) ends it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "org/principal.h"
#include "record/checkpoint.h"
#include "record/command_bus.h"
#include "record/merkle.h"
#include "record/record_tree.h"
#include "store/database.h"

namespace zhifa::record {

// Configuration ([record] in zhifa.toml).
struct RecordOptions {
  std::string hash = "sm3";             // sm3 | sha256 — fixed when the log is created
  std::string signature = "sm2";        // sm2 | ed25519 — the algorithm of a new signing key
  std::string origin = "zhifa/record";  // checkpoint origin and key name (no spaces, no '+')
  int64_t checkpoint_every = 1000;      // a checkpoint when this many entries are new …
  int64_t checkpoint_seconds = 60;      // … or when this many seconds passed and any entry is new
};

// Checks the options (fields "record.hash", "record.signature", "record.origin",
// "record.checkpoint_every" ≥ 1, "record.checkpoint_seconds" ≥ 1).
core::Status CheckRecordOptions(const RecordOptions& options);

// Who may read leaf bytes and proofs: the audit administrator (安全审计员, who reads the logs —
// kLogsRead) and supervisors (监督人员, who supervise enforcement). Leaf bytes carry actor, unit,
// kind and target of every entry of every unit, so they are not for data-scoped users.
bool CanReadProofs(const org::Principal& p);

// Targets: "enterprise:<统一社会信用代码>" and "person:<hex HMAC-SHA256(key, ID number)>".
std::string EnterpriseTarget(const std::string& credit_code);

// The keyed hash of ID numbers (HMAC-SHA256 with a 32-byte key in the data directory, 0600).
// The number itself is never stored or logged.
class PersonKey {
 public:
  // Loads `path`, or creates it (32 random bytes, mode 0600) when absent.
  static core::Result<PersonKey> LoadOrCreate(const std::string& path);
  static core::Result<PersonKey> Ephemeral();
  // "person:" + hex HMAC of the normalised number (trimmed, upper-case X).
  std::string Target(const std::string& id_number) const;

 private:
  std::string key_;
};

struct StoredCheckpoint {
  uint64_t size = 0;
  std::string root_hex;
  std::string note;
  std::string at;
};

class RecordService {
 public:
  // `key_file`: the checkpoint signing key (created when absent); empty → an ephemeral key
  // (sqlite::memory:). Opens the tree (fixing or checking the hash, building missing rows).
  static core::Result<std::unique_ptr<RecordService>> Open(store::Database& db, CommandBus& bus,
                                                           const RecordOptions& options,
                                                           const std::string& key_file,
                                                           PersonKey person_key);
  ~RecordService();

  // Runs the checkpoint timer (polls every second).
  void Start();
  void Stop();

  const NoteSigner& signer() const { return signer_; }
  const RecordOptions& options() const { return options_; }
  HashAlgorithm hash() const { return hash_; }
  const PersonKey& person_key() const { return person_key_; }

  // Signs and stores a checkpoint of the current log when it grew since the last one; returns
  // the latest checkpoint (nullopt only for an empty log). Errors kInternal when the log is not
  // consistent with the previous checkpoint.
  core::Result<std::optional<StoredCheckpoint>> Checkpoint();
  core::Result<std::optional<StoredCheckpoint>> Latest();
  // Newest first, paged.
  core::Result<nlohmann::json> ListCheckpoints(int page, int page_size);

  // Entry bytes (base64) and leaf hashes of seq start..end (inclusive, at most 1000), with the
  // payload hash. Errors kInvalidArgument (fields "start"/"end").
  core::Result<nlohmann::json> Leaves(uint64_t start, uint64_t end);
  // Inclusion proof of leaf `index` (0-based, = seq − 1) in the tree of `size` leaves (0 → the
  // latest checkpoint's size). Errors kInvalidArgument (fields "index"/"size").
  core::Result<nlohmann::json> InclusionProof(uint64_t index, uint64_t size);
  core::Result<nlohmann::json> ConsistencyProof(uint64_t old_size, uint64_t new_size);

  // The entries of one target within the caller's data scope, oldest first, each with its leaf
  // hash. kNotFound when there is none the caller may see.
  core::Result<nlohmann::json> TargetEntries(const org::Principal& p, const std::string& target,
                                             int page, int page_size);
  // Server-side check of an entry against the latest checkpoint (the browser has no SM3): the
  // entry's leaf recomputed from the stored row, its inclusion proof verified against the signed
  // root. Within the caller's data scope (kNotFound otherwise).
  core::Result<nlohmann::json> VerifyEntry(const org::Principal& p, uint64_t seq);
  // The last `zhifa verify` result (the newest record.verified entry), or null.
  core::Result<nlohmann::json> LastVerify();

 private:
  RecordService(store::Database& db, CommandBus& bus, RecordOptions options, NoteSigner signer,
                PersonKey person_key, HashAlgorithm hash)
      : db_(db),
        bus_(bus),
        options_(std::move(options)),
        signer_(std::move(signer)),
        person_key_(std::move(person_key)),
        hash_(hash),
        hasher_(hash) {}
  void Loop();

  store::Database& db_;
  CommandBus& bus_;
  RecordOptions options_;
  NoteSigner signer_;
  PersonKey person_key_;
  HashAlgorithm hash_;
  TreeHasher hasher_;
  SubtreeCache cache_;        // upper tree levels for the proof API (read transactions only)
  std::mutex checkpoint_mu_;  // one checkpoint at a time per node
  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false;
  std::thread loop_;
};

}  // namespace zhifa::record
