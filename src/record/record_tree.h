// zhifa::record::RecordTree — the Merkle tree of the record log kept in the database, appended to
// by CommandTx::Emit in the transaction that writes the entry.
//
// Every entry becomes leaf seq − 1: its canonical bytes (entry_codec, with the payload's hash),
// hashed with the log's hash. Storage (migration 0009; docs/record-log-format.md §6):
//   record_log.leaf       the leaf hash (32 bytes), written in the entry's own row;
//   record_nodes          (level, idx, hash) for every perfect subtree of level ≥ kStoredLevel,
//                         written in the transaction of the entry that completes it.
// Subtrees below kStoredLevel are recomputed from at most 2^kStoredLevel stored leaves when a
// proof or root needs them (≤ 15 node hashes), which keeps the per-entry write to the leaf column
// plus 1/8 of a node row.
//
// The append keeps the compact range ("frontier", CompactRange) in memory. The frontier is a
// cache: before each append it is checked against the database (its size must be seq − 1 and its
// last leaf must equal the stored leaf of seq − 1), and reloaded in O(log n) lookups when not.
// So a rolled-back batch, another process or another zhifa node on the same PostgreSQL database
// never make it wrong: the counters row lock orders the appends, and each append sees the rows of
// the one before.
//
// The hash algorithm and the origin are fixed in record_meta when the log is created (Open);
// a later Open with a different configured hash is refused.
//
// Thread-safety: RecordTree is thread-safe (one mutex around the frontier).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "record/entry_codec.h"
#include "record/merkle.h"
#include "store/database.h"

namespace zhifa::record {

// Perfect subtrees of this level and above are rows of record_nodes; lower ones are recomputed
// from the leaves. Fixed by migration 0009 (which moved the stored levels): changing it needs a
// migration that adds or drops rows.
inline constexpr int kStoredLevel = 4;

// The fixed properties of a log (rows of record_meta).
struct LogMeta {
  HashAlgorithm hash = HashAlgorithm::kSm3;
  std::string origin;
};

// Reads record_meta ('hash', 'origin'); nullopt when the log was not created yet.
core::Result<std::optional<LogMeta>> ReadLogMeta(store::Conn& conn);

// The stored leaf hashes of leaves [begin, end) (record_log.leaf of seq begin+1 … end), in order.
// Errors: kInternal (field "record_log") naming the first entry that is missing or has no valid
// leaf hash.
core::Result<std::vector<Hash>> StoredLeaves(store::Conn& conn, uint64_t begin, uint64_t end);

// MTH of a perfect range of 2^k hashes (k ≥ 0), folded pairwise. Precondition: a power of two.
Hash FoldPerfect(const TreeHasher& hasher, std::span<const Hash> leaves);

// A HashStore answering from record_nodes and record_log inside one transaction, for a tree of
// `size` leaves. No caching: every lookup of level ≥ kStoredLevel is one primary-key read, every
// lower one a range read of its 2^level leaves.
class DbHashStore final : public HashStore {
 public:
  DbHashStore(store::Conn& conn, const TreeHasher& hasher, uint64_t size)
      : conn_(conn), hasher_(hasher), size_(size) {}
  uint64_t size() const override { return size_; }
  // Errors: kInternal (field "record_nodes" / "record_log") naming the missing or malformed row.
  core::Result<Hash> SubtreeHash(int level, uint64_t index) const override;

 private:
  store::Conn& conn_;
  const TreeHasher& hasher_;
  uint64_t size_;
};

// Runs `fn` (a proof or root computation over a HashStore) against the stored tree in one pass:
// subtrees of level ≥ kCachedLevel come from `cache` when it has them; other rows of level ≥
// kStoredLevel are read by primary key (each at most once per call); lower subtrees are folded
// from one range read of the leaves of their 2^kStoredLevel block (at most once per block). The
// rows read at level ≥ kCachedLevel are added to `cache` afterwards (perfect-subtree hashes of an
// append-only log never change; `zhifa verify` reads the tables itself, never this cache). Use
// it in read transactions only (a write transaction may still be rolled back).
inline constexpr int kCachedLevel = 6;

// The upper levels of the tree in memory (levels ≥ kCachedLevel), loaded at start
// (WarmSubtreeCache) and filled as proofs read rows: per level a flat array by index, 33 bytes
// per subtree, i.e. 33 · n / 2^(kCachedLevel − 1) < 1.1 bytes per entry (10.3 MB for 10 million
// entries; up to 2× that while arrays grow one proof at a time without a warm start).
class SubtreeCache {
 public:
  std::shared_mutex mu;
  // Callers hold `mu` shared (Get) or exclusive (Put).
  const Hash* Get(int level, uint64_t index) const;
  void Put(int level, uint64_t index, const Hash& hash);
  // Makes room for `count` subtrees of `level` at once (no growth slack).
  void Reserve(int level, uint64_t count);
  uint64_t MemoryBytes() const;

 private:
  struct Level {
    std::vector<Hash> hashes;
    std::vector<uint8_t> present;
  };
  std::vector<Level> levels_;  // [level − kCachedLevel]
};

// Fills `cache` with every stored subtree of level ≥ kCachedLevel (one scan of record_nodes;
// ≈ 0.3 s and 10 MB for 10 million entries). Run in a read transaction. Returns the rows added.
core::Result<uint64_t> WarmSubtreeCache(store::Conn& conn, SubtreeCache& cache);

core::Result<std::vector<Hash>> CachedLookup(
    store::Conn& conn, const TreeHasher& hasher, uint64_t size,
    const std::function<core::Result<std::vector<Hash>>(const HashStore&)>& fn,
    SubtreeCache* cache = nullptr);

// The number of leaves stored: the highest seq in record_log (every entry carries its leaf; the
// log is gapless, which `zhifa verify` checks).
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
  // the metadata it also computes the leaves and node rows of the entries already in record_log
  // (a database from before migration 0005), in batches of `batch` entries per transaction.
  // Returns the number of leaves it added.
  core::Result<uint64_t> Open(store::Database& db, HashAlgorithm hash, const std::string& origin,
                              uint64_t batch = 20000);

  // Appends the entry `fields` (seq = the log head after its counter update) inside the caller's
  // transaction: computes its leaf, advances the frontier and writes the completed subtrees of
  // level ≥ kStoredLevel to record_nodes. Returns the leaf hash, which the caller stores with the
  // entry (record_log.leaf) in the same transaction. When the log has no metadata yet (a
  // database used without Open, e.g. in unit tests) it is created with SM3 and the origin
  // "zhifa/record".
  core::Result<Hash> Append(store::Conn& conn, const EntryView& fields, std::string_view payload);

  // Appends the entries `fields` (consecutive seqs ending at the log head after its counter
  // update, in order) with their `payloads` (same length) inside the caller's transaction, with
  // the same leaves and record_nodes rows as Append one entry at a time: one frontier check for
  // all of them, the completed subtrees in multi-row INSERTs (store::InsertRows). Returns the
  // leaf hashes in order. Errors: kInternal when the seqs are not consecutive or the lengths
  // differ; as Append.
  core::Result<std::vector<Hash>> AppendMany(store::Conn& conn, std::span<const EntryView> fields,
                                             std::span<const std::string_view> payloads);

  // The hash of the log (after Open or the first Append); SM3 before.
  HashAlgorithm hash() const;

 private:
  core::Status EnsureMeta(store::Conn& conn);
  core::Status SyncFrontier(store::Conn& conn, uint64_t size);
  core::Result<Hash> AppendLocked(store::Conn& conn, EntryView fields, std::string_view payload);
  // Computes the leaf of `fields` (seq = the frontier's size + 1), advances the frontier and adds
  // the completed subtrees of the stored levels to `nodes`.
  core::Result<Hash> Advance(EntryView fields, std::string_view payload,
                             std::vector<CompactRange::Node>& nodes);
  // Inserts `nodes` into record_nodes; on error the frontier is dropped (reloaded next time).
  core::Status WriteNodes(store::Conn& conn, const std::vector<CompactRange::Node>& nodes);

  mutable std::mutex mu_;
  std::optional<LogMeta> meta_;
  std::optional<TreeHasher> hasher_;
  std::optional<CompactRange> frontier_;
  Hash last_leaf_{};
  std::string entry_buf_;  // reused encoding buffer (under mu_)
};

}  // namespace zhifa::record
