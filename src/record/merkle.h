// zhifa::record Merkle tree — the RFC 9162 (Certificate Transparency v2) Merkle hash tree over the
// record log, with SM3 (GB/T 32905-2016, the default) or SHA-256 (FIPS 180-4) as the hash.
//
//   leaf hash  = H(0x00 ‖ entry bytes)                         RFC 9162 §2.1.1
//   node hash  = H(0x01 ‖ left ‖ right)                        RFC 9162 §2.1.1
//   MTH({})    = H("")  (the hash of the empty string)         RFC 9162 §2.1.1
//
// Proofs are generated from a HashStore: any source of the hashes of *perfect* subtrees
// [i·2^k, (i+1)·2^k) of the log. Every subtree that RFC 9162's recursive definitions need is a
// left-aligned node of the tree and is the right fold of at most ⌈log2 n⌉ perfect subtrees, so the
// root, an inclusion proof and a consistency proof each cost O(log n) lookups and O(log n) hashes,
// whatever the size of the log. MemoryHashStore keeps every level in memory; a database-backed
// store (next step of issue 4) can answer the same interface from a table of (level, index, hash).
//
// Thread-safety: TreeHasher is immutable and thread-safe (it keeps one EVP_MD_CTX per thread).
// The free functions are thread-safe if the HashStore's const methods are. MemoryHashStore and
// CompactRange are not thread-safe for writers; concurrent const use is safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace zhifa::record {

// The hash of a log, fixed when the log is created. Both produce 32 bytes.
enum class HashAlgorithm { kSm3, kSha256 };

inline constexpr size_t kHashBytes = 32;
using Hash = std::array<uint8_t, kHashBytes>;

// "sm3" / "sha256" (the names used in configuration and documents).
const char* HashAlgorithmName(HashAlgorithm algorithm);
// Parses "sm3" / "sha256". Error kInvalidArgument (field "hash") for anything else.
core::Result<HashAlgorithm> ParseHashAlgorithm(std::string_view name);

// Lower-case hex of a hash; HashFromHex parses exactly 64 hex characters (either case).
std::string HashHex(const Hash& hash);
core::Result<Hash> HashFromHex(std::string_view hex);
std::string_view HashBytes(const Hash& hash);

// The RFC 9162 §2.1.1 hashing rules over one algorithm. The EVP_MD is fetched once per process
// (an implicit fetch per call costs a provider lookup under a lock in OpenSSL 3).
class TreeHasher {
 public:
  explicit TreeHasher(HashAlgorithm algorithm);

  HashAlgorithm algorithm() const { return algorithm_; }
  // H(data) — the plain digest (used for payload hashes and for MTH of the empty tree).
  Hash Digest(std::string_view data) const;
  // H(0x00 ‖ entry).
  Hash LeafHash(std::string_view entry) const;
  // H(0x01 ‖ left ‖ right).
  Hash NodeHash(const Hash& left, const Hash& right) const;
  // MTH({}) = H("").
  Hash EmptyRoot() const { return Digest({}); }

 private:
  HashAlgorithm algorithm_;
  const void* md_;  // const EVP_MD*, kept out of the header
};

// Read access to the perfect-subtree hashes of a log of size() leaves.
class HashStore {
 public:
  virtual ~HashStore() = default;
  // Number of leaves.
  virtual uint64_t size() const = 0;
  // The hash of the perfect subtree over leaves [index·2^level, (index+1)·2^level); level 0 is a
  // leaf hash. Precondition checked by callers: (index+1)·2^level <= size(). Errors are the
  // store's (kUnavailable for a database that cannot answer, kInternal for a missing row).
  virtual core::Result<Hash> SubtreeHash(int level, uint64_t index) const = 0;
};

// Keeps every level of perfect subtrees in memory: level k holds ⌊n/2^k⌋ hashes, in all < 2n
// hashes, i.e. < 64 bytes per entry (plus std::vector slack, at most 2× while growing unless
// Reserve() was called). Appending costs 1 leaf store plus one node hash per completed subtree
// (amortised < 1, worst case ⌈log2 n⌉).
class MemoryHashStore final : public HashStore {
 public:
  explicit MemoryHashStore(HashAlgorithm algorithm) : hasher_(algorithm) {}

  uint64_t size() const override { return levels_.empty() ? 0 : levels_[0].size(); }
  core::Result<Hash> SubtreeHash(int level, uint64_t index) const override;

  // Appends one leaf hash (already H(0x00 ‖ entry)); returns the new size.
  uint64_t AppendLeafHash(const Hash& leaf_hash);
  // Reserves room for `leaves` leaves on every level (avoids the vectors' growth slack).
  void Reserve(uint64_t leaves);
  // Bytes held by the hash arrays (capacity, not size).
  uint64_t MemoryBytes() const;
  const TreeHasher& hasher() const { return hasher_; }

 private:
  TreeHasher hasher_;
  std::vector<std::vector<Hash>> levels_;
};

// MTH(D[begin:end]) per RFC 9162 §2.1.1 for a range that is a node of the tree: `begin` is a
// multiple of the smallest power of two ≥ end−begin (true of every range RFC 9162's proofs use,
// and of [0, n)). Computed as the right fold of the perfect subtrees of end−begin's binary
// decomposition. Errors: kInvalidArgument if the range is empty, not such a node, or beyond
// store.size(); the store's errors.
core::Result<Hash> RangeHash(const TreeHasher& hasher, const HashStore& store, uint64_t begin,
                             uint64_t end);

// MTH(D[0:size]) for size <= store.size(); size 0 gives H(""). Errors as RangeHash.
core::Result<Hash> RootHash(const TreeHasher& hasher, const HashStore& store, uint64_t size);

// PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf to root. Errors: kInvalidArgument unless
// index < size <= store.size(); the store's errors.
core::Result<std::vector<Hash>> InclusionProof(const TreeHasher& hasher, const HashStore& store,
                                               uint64_t index, uint64_t size);

// PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1. old_size == new_size and old_size == 0
// give the empty proof (nothing to prove). Errors: kInvalidArgument unless
// old_size <= new_size <= store.size(); the store's errors.
core::Result<std::vector<Hash>> ConsistencyProof(const TreeHasher& hasher, const HashStore& store,
                                                 uint64_t old_size, uint64_t new_size);

// RFC 9162 §2.1.3.2. Returns Ok when `proof` proves that `leaf_hash` is leaf `index` of the tree
// of `size` leaves whose root is `root`; kInvalidArgument (field "proof") naming the reason
// otherwise (index out of range, wrong length, root mismatch).
core::Status VerifyInclusion(const TreeHasher& hasher, uint64_t index, uint64_t size,
                             const Hash& leaf_hash, std::span<const Hash> proof, const Hash& root);

// RFC 9162 §2.1.4.2, extended to old_size == new_size (proof must be empty and roots equal) and
// old_size == 0 (proof must be empty and old_root must be H("")). Ok or kInvalidArgument
// (field "proof") naming the reason.
core::Status VerifyConsistency(const TreeHasher& hasher, uint64_t old_size, uint64_t new_size,
                               const Hash& old_root, const Hash& new_root,
                               std::span<const Hash> proof);

// The compact range [0, n) ("frontier"): the perfect-subtree hashes of n's binary decomposition,
// largest first — at most 64 hashes. Append is O(log n) worst case and amortised O(1) node
// hashes; Root is ⌈log2 n⌉ node hashes. This is what the append path keeps in memory: after a
// restart it is rebuilt from a HashStore in O(log n) lookups (FromStore).
class CompactRange {
 public:
  // A completed perfect subtree produced by Append (the rows a persistent store must keep).
  struct Node {
    int level;
    uint64_t index;
    Hash hash;
  };

  explicit CompactRange(HashAlgorithm algorithm) : hasher_(algorithm) {}
  // The compact range of the first `size` leaves of `store`. Errors: kInvalidArgument if
  // size > store.size(); the store's errors.
  static core::Result<CompactRange> FromStore(HashAlgorithm algorithm, const HashStore& store,
                                              uint64_t size);

  uint64_t size() const { return size_; }
  // Appends a leaf hash. When `completed` is given, it is called for the leaf (level 0) and for
  // every perfect subtree the append completes, lowest level first.
  void Append(const Hash& leaf_hash, const std::function<void(const Node&)>& completed = {});
  // MTH(D[0:size]); H("") when empty.
  Hash Root() const;
  // The hashes of the decomposition, largest subtree first.
  std::span<const Hash> hashes() const { return hashes_; }

 private:
  TreeHasher hasher_;
  uint64_t size_ = 0;
  std::vector<Hash> hashes_;
};

}  // namespace zhifa::record
