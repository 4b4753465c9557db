// zhifa::record::RecordTree — the Merkle tree of the record log kept in the database
// (tables record_meta, record_tree of migration 0005), appended to by CommandTx::Emit in the
// transaction that writes the entry.
//
// Every entry becomes leaf seq − 1: its canonical bytes (entry_codec, with the payload's hash),
// hashed with the log's hash. The append keeps the compact range ("frontier", CompactRange) in
// memory and writes the leaf hash and every perfect subtree the append completes as rows
// (level, idx, hash) of record_tree. The frontier is a cache: before each append it is checked
// against the database (its size must be seq − 1 and its last leaf must equal the stored leaf
// seq − 1), and reloaded from record_tree in O(log n) lookups when not. So a rolled-back batch,
// another process or another zhifa node on the same PostgreSQL database never make it wrong: the
// counters row lock orders the appends, and each append sees the rows of the one before.
//
// The hash algorithm and the origin are fixed in record_meta when the log is created (Open);
// a later Open with a different configured hash is refused.
//
// Thread-safety: RecordTree is thread-safe (one mutex around the frontier).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "record/entry_codec.h"
#include "record/merkle.h"
#include "store/database.h"

namespace zhifa::record {

// The fixed properties of a log (rows of record_meta).
struct LogMeta {
  HashAlgorithm hash = HashAlgorithm::kSm3;
  std::string origin;
};

// Reads record_meta ('hash', 'origin'); nullopt when the log was not created yet.
core::Result<std::optional<LogMeta>> ReadLogMeta(store::Conn& conn);

// A HashStore answering from record_tree inside one transaction, for a tree of `size` leaves.
// Recently read upper-level rows are not cached: every lookup is one primary-key read.
class DbHashStore final : public HashStore {
 public:
  DbHashStore(store::Conn& conn, uint64_t size) : conn_(conn), size_(size) {}
  uint64_t size() const override { return size_; }
  // Errors: kInternal (field "record_tree") naming the missing or malformed row.
  core::Result<Hash> SubtreeHash(int level, uint64_t index) const override;

 private:
  store::Conn& conn_;
  uint64_t size_;
};

// Runs `fn` (a proof or root computation over a HashStore) against record_tree, reading each
// row once: a first pass records which (level, idx) rows `fn` asks for (the RFC 9162 algorithms
// choose their subtrees from the indices alone, never from hash values), primary-key probes fetch
// the ones not cached, a second pass computes the answer. Rows of
// level ≥ kCachedLevel are kept in `cache` (perfect-subtree hashes of an append-only
// log never change; `zhifa verify` reads the table itself, never this cache). Use it in read
// transactions only (a write transaction may still be rolled back).
inline constexpr int kCachedLevel = 10;
struct SubtreeCache {
  std::shared_mutex mu;
  std::map<std::pair<int, uint64_t>, Hash> rows;  // (level, idx) → hash, level ≥ kCachedLevel
};
core::Result<std::vector<Hash>> BatchedLookup(
    store::Conn& conn, uint64_t size,
    const std::function<core::Result<std::vector<Hash>>(const HashStore&)>& fn,
    SubtreeCache* cache = nullptr);

// The number of leaves stored in record_tree (rows of level 0).
core::Result<uint64_t> StoredTreeSize(store::Conn& conn);
// The log head: counters 'record_seq'.
core::Result<uint64_t> LogHead(store::Conn& conn);

// The entry fields of one record_log row, as entry_codec encodes them.
core::Result<EntryFields> FieldsFromRow(const TreeHasher& hasher, int64_t seq,
                                        const std::string& at, std::optional<int64_t> actor,
                                        std::optional<int64_t> unit, const std::string& kind,
                                        const std::string& target, const std::string& payload);

class RecordTree {
 public:
  RecordTree() = default;

  // Creates the log's metadata when absent (hash and origin as given), or checks that the stored
  // hash equals `hash` (error kInvalidArgument, field "record.hash", naming both). When it creates
  // the metadata it also builds the tree rows of the entries already in record_log (a database
  // from before migration 0005), in batches of `batch` entries per transaction. Returns the
  // number of leaves it added.
  core::Result<uint64_t> Open(store::Database& db, HashAlgorithm hash, const std::string& origin,
                              uint64_t batch = 20000);

  // Appends the entry just inserted into record_log (seq, …) inside the caller's transaction:
  // the leaf and the completed subtrees are written to record_tree. When the log has no
  // metadata yet (a database used without Open, e.g. in unit tests) it is created with SM3 and
  // the origin "zhifa/record".
  core::Status Append(store::Conn& conn, const EntryFields& fields, std::string_view payload);

  // The hash of the log (after Open or the first Append); SM3 before.
  HashAlgorithm hash() const;

 private:
  core::Status EnsureMeta(store::Conn& conn);
  core::Status SyncFrontier(store::Conn& conn, uint64_t size);
  core::Status AppendLocked(store::Conn& conn, const EntryFields& fields, std::string_view payload);

  mutable std::mutex mu_;
  std::optional<LogMeta> meta_;
  std::optional<TreeHasher> hasher_;
  std::optional<CompactRange> frontier_;
  Hash last_leaf_{};
};

}  // namespace zhifa::record
