#include "record/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdlib>
#include <memory>

namespace zhifa::record {

using core::Err;
using core::ErrorCode;

namespace {

const EVP_MD* FetchMd(HashAlgorithm algorithm) {
  // Fetched once per process (OpenSSL 3 explicit fetch); both live for the whole process.
  static const EVP_MD* const kSm3 = EVP_MD_fetch(nullptr, "SM3", nullptr);
  static const EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const EVP_MD* md = algorithm == HashAlgorithm::kSm3 ? kSm3 : kSha256;
  if (md == nullptr) std::abort();  // the default provider always has both; a broken install
  return md;
}

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// One digest context per thread and algorithm: EVP_Digest would allocate and free a context
// (and its provider state) on every call, which is most of the cost of a 65-byte node hash.
EVP_MD_CTX* ThreadCtx(HashAlgorithm algorithm) {
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx[2];
  auto& c = ctx[algorithm == HashAlgorithm::kSm3 ? 0 : 1];
  if (!c) c.reset(EVP_MD_CTX_new());
  if (!c) std::abort();  // out of memory
  return c.get();
}

Hash DigestParts(HashAlgorithm algorithm, const EVP_MD* md, std::string_view a,
                 std::string_view b) {
  EVP_MD_CTX* ctx = ThreadCtx(algorithm);
  Hash out;
  unsigned int len = 0;
  const bool ok = EVP_DigestInit_ex2(ctx, md, nullptr) == 1 &&
                  (a.empty() || EVP_DigestUpdate(ctx, a.data(), a.size()) == 1) &&
                  (b.empty() || EVP_DigestUpdate(ctx, b.data(), b.size()) == 1) &&
                  EVP_DigestFinal_ex(ctx, out.data(), &len) == 1;
  // SM3 and SHA-256 in the default provider cannot fail on valid input (a broken invariant).
  if (!ok || len != kHashBytes) std::abort();
  return out;
}

uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  // RFC 9162 §2.1.1: k is the largest power of two smaller than n (n > 1).
  assert(n > 1);
  return std::bit_floor(n - 1);
}

core::Error Bad(const std::string& zh, const std::string& en, const char* field = "proof") {
  return Err(ErrorCode::kInvalidArgument, zh, en, field);
}

}  // namespace

const char* HashAlgorithmName(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSm3 ? "sm3" : "sha256";
}

core::Result<HashAlgorithm> ParseHashAlgorithm(std::string_view name) {
  if (name == "sm3") return HashAlgorithm::kSm3;
  if (name == "sha256") return HashAlgorithm::kSha256;
  return Bad("哈希算法应为 sm3 或 sha256", "the hash algorithm must be sm3 or sha256", "hash");
}

std::string HashHex(const Hash& hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * kHashBytes);
  for (uint8_t b : hash) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

core::Result<Hash> HashFromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() != 2 * kHashBytes) {
    return Bad("哈希值应为 64 个十六进制字符", "a hash must be 64 hex characters", "hash");
  }
  Hash out;
  for (size_t i = 0; i < kHashBytes; ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Bad("哈希值含非十六进制字符", "a hash contains a non-hex character", "hash");
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string_view HashBytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

TreeHasher::TreeHasher(HashAlgorithm algorithm) : algorithm_(algorithm), md_(FetchMd(algorithm)) {}

Hash TreeHasher::Digest(std::string_view data) const {
  return DigestParts(algorithm_, static_cast<const EVP_MD*>(md_), data, {});
}

Hash TreeHasher::LeafHash(std::string_view entry) const {
  static constexpr char kLeafPrefix = 0x00;  // RFC 9162 §2.1.1
  return DigestParts(algorithm_, static_cast<const EVP_MD*>(md_), std::string_view(&kLeafPrefix, 1),
                     entry);
}

Hash TreeHasher::NodeHash(const Hash& left, const Hash& right) const {
  char buf[1 + 2 * kHashBytes];
  buf[0] = 0x01;  // RFC 9162 §2.1.1
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 1 + kHashBytes);
  return DigestParts(algorithm_, static_cast<const EVP_MD*>(md_), std::string_view(buf, sizeof buf),
                     {});
}

// ---- MemoryHashStore ----------------------------------------------------------------------

core::Result<Hash> MemoryHashStore::SubtreeHash(int level, uint64_t index) const {
  if (level < 0 || static_cast<size_t>(level) >= levels_.size() ||
      index >= levels_[static_cast<size_t>(level)].size()) {
    return Err(ErrorCode::kInvalidArgument, "子树不存在", "no such perfect subtree", "index");
  }
  return levels_[static_cast<size_t>(level)][index];
}

uint64_t MemoryHashStore::AppendLeafHash(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // Each level whose length became even completed one subtree one level up.
  for (size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    const auto& lv = levels_[k];
    Hash parent = hasher_.NodeHash(lv[lv.size() - 2], lv[lv.size() - 1]);
    if (levels_.size() == k + 1) levels_.emplace_back();
    levels_[k + 1].push_back(parent);
  }
  return levels_[0].size();
}

void MemoryHashStore::Reserve(uint64_t leaves) {
  for (size_t k = 0; (leaves >> k) > 0; ++k) {
    if (levels_.size() <= k) levels_.emplace_back();
    levels_[k].reserve(leaves >> k);
  }
}

uint64_t MemoryHashStore::MemoryBytes() const {
  uint64_t bytes = 0;
  for (const auto& lv : levels_) bytes += lv.capacity() * sizeof(Hash);
  return bytes;
}

// ---- Proof generation ---------------------------------------------------------------------

core::Result<Hash> RangeHash(const TreeHasher& hasher, const HashStore& store, uint64_t begin,
                             uint64_t end) {
  if (begin >= end || end > store.size()) {
    return Bad("子树范围无效", "invalid subtree range", "range");
  }
  const uint64_t len = end - begin;
  if (begin % std::bit_ceil(len) != 0) {
    return Bad("子树范围不是树的节点", "the range is not a node of the tree", "range");
  }
  // Perfect subtrees of len's binary decomposition, largest (leftmost) first; MTH folds them
  // from the right: MTH = H(1 ‖ P0 ‖ H(1 ‖ P1 ‖ … )) — RFC 9162 §2.1.1 with k = largest power of
  // two < n, applied recursively to the right part.
  Hash parts[64];
  int count = 0;
  uint64_t at = begin;
  for (uint64_t rest = len; rest != 0;) {  // the set bits of len, highest first
    const int level = std::bit_width(rest) - 1;
    const uint64_t width = uint64_t{1} << level;
    rest -= width;
    auto h = store.SubtreeHash(level, at >> level);
    if (!h) return h.error();
    parts[count++] = *h;
    at += width;
  }
  Hash acc = parts[count - 1];
  for (int i = count - 2; i >= 0; --i) acc = hasher.NodeHash(parts[i], acc);
  return acc;
}

core::Result<Hash> RootHash(const TreeHasher& hasher, const HashStore& store, uint64_t size) {
  if (size > store.size()) {
    return Bad("树大小超出日志长度", "tree size beyond the log", "size");
  }
  if (size == 0) return hasher.EmptyRoot();
  return RangeHash(hasher, store, 0, size);
}

core::Result<std::vector<Hash>> InclusionProof(const TreeHasher& hasher, const HashStore& store,
                                               uint64_t index, uint64_t size) {
  if (size > store.size()) return Bad("树大小超出日志长度", "tree size beyond the log", "size");
  if (index >= size) {
    return Bad("叶序号应小于树大小", "the leaf index must be below the tree size", "index");
  }
  // RFC 9162 §2.1.3.1, iteratively with absolute offsets:
  //   PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])   if m < k
  //                 = PATH(m−k, D[k:n]) : MTH(D[0:k]) if m >= k
  // Siblings are collected root first and reversed (the proof is leaf to root).
  std::vector<Hash> path;
  uint64_t begin = 0, end = size;
  while (end - begin > 1) {
    const uint64_t k = LargestPowerOfTwoBelow(end - begin);
    core::Result<Hash> sibling = Hash{};
    if (index < begin + k) {
      sibling = RangeHash(hasher, store, begin + k, end);
      end = begin + k;
    } else {
      sibling = RangeHash(hasher, store, begin, begin + k);
      begin += k;
    }
    if (!sibling) return sibling.error();
    path.push_back(*sibling);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

core::Result<std::vector<Hash>> ConsistencyProof(const TreeHasher& hasher, const HashStore& store,
                                                 uint64_t old_size, uint64_t new_size) {
  if (new_size > store.size()) {
    return Bad("树大小超出日志长度", "tree size beyond the log", "size");
  }
  if (old_size > new_size) {
    return Bad("旧树大小大于新树大小", "the old tree size exceeds the new one", "old_size");
  }
  std::vector<Hash> path;
  if (old_size == 0 || old_size == new_size) return path;
  // RFC 9162 §2.1.4.1, iteratively with absolute offsets (m = old_size throughout):
  //   SUBPROOF(m, D[m], true)  = {}
  //   SUBPROOF(m, D[m], false) = {MTH(D[m])}
  //   SUBPROOF(m, D[n], b)     = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])       if m <= k
  //                            = SUBPROOF(m−k, D[k:n], false) : MTH(D[0:k]) if m > k
  uint64_t begin = 0, end = new_size;
  bool b = true;
  while (true) {
    if (old_size == end) {
      if (!b) {
        auto h = RangeHash(hasher, store, begin, end);
        if (!h) return h.error();
        path.push_back(*h);
      }
      break;
    }
    const uint64_t k = LargestPowerOfTwoBelow(end - begin);
    core::Result<Hash> node = Hash{};
    if (old_size <= begin + k) {
      node = RangeHash(hasher, store, begin + k, end);
      end = begin + k;
    } else {
      node = RangeHash(hasher, store, begin, begin + k);
      begin += k;
      b = false;
    }
    if (!node) return node.error();
    path.push_back(*node);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// ---- Verification -------------------------------------------------------------------------

core::Status VerifyInclusion(const TreeHasher& hasher, uint64_t index, uint64_t size,
                             const Hash& leaf_hash, std::span<const Hash> proof, const Hash& root) {
  // RFC 9162 §2.1.3.2, step by step.
  if (index >= size) {  // 1.
    return Bad("叶序号不小于树大小", "the leaf index is not below the tree size", "index");
  }
  uint64_t fn = index, sn = size - 1;                                        // 2.
  Hash r = leaf_hash;                                                        // 3.
  for (const Hash& p : proof) {                                              // 4.
    if (sn == 0) return Bad("证明过长", "the inclusion proof is too long");  // 4a.
    if ((fn & 1) == 1 || fn == sn) {                                         // 4b.
      r = hasher.NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = hasher.NodeHash(r, p);
    }
    fn >>= 1;  // 4c.
    sn >>= 1;
  }
  if (sn != 0) return Bad("证明过短", "the inclusion proof is too short");  // 5.
  if (r != root) {
    return Bad("包含证明与根哈希不符", "the inclusion proof does not lead to the root hash");
  }
  return core::Ok();
}

core::Status VerifyConsistency(const TreeHasher& hasher, uint64_t old_size, uint64_t new_size,
                               const Hash& old_root, const Hash& new_root,
                               std::span<const Hash> proof) {
  if (old_size > new_size) {
    return Bad("旧树大小大于新树大小", "the old tree size exceeds the new one", "old_size");
  }
  if (old_size == new_size || old_size == 0) {
    if (!proof.empty()) return Bad("此证明应为空", "this consistency proof must be empty");
    if (old_size == 0 && old_root != hasher.EmptyRoot()) {
      return Bad("空树的根哈希不正确", "wrong root hash for the empty tree");
    }
    if (old_size == new_size && old_root != new_root) {
      return Bad("同一大小的两个根哈希不同", "two different root hashes for one tree size");
    }
    return core::Ok();
  }
  // RFC 9162 §2.1.4.2, step by step.
  if (proof.empty()) return Bad("一致性证明为空", "the consistency proof is empty");  // 1.
  std::vector<Hash> path;                                                             // 2.
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = new_size - 1;  // 3.
  while ((fn & 1) == 1) {                         // 4.
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];  // 5.
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Bad("一致性证明过长", "the consistency proof is too long");  // 6a.
    if ((fn & 1) == 1 || fn == sn) {                                                 // 6b.
      fr = hasher.NodeHash(c, fr);
      sr = hasher.NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = hasher.NodeHash(sr, c);
    }
    fn >>= 1;  // 6c.
    sn >>= 1;
  }
  if (sn != 0) return Bad("一致性证明过短", "the consistency proof is too short");  // 7.
  if (fr != old_root) {
    return Bad("一致性证明与旧根哈希不符", "the consistency proof does not match the old root");
  }
  if (sr != new_root) {
    return Bad("一致性证明与新根哈希不符", "the consistency proof does not match the new root");
  }
  return core::Ok();
}

// ---- CompactRange -------------------------------------------------------------------------

core::Result<CompactRange> CompactRange::FromStore(HashAlgorithm algorithm, const HashStore& store,
                                                   uint64_t size) {
  if (size > store.size()) return Bad("树大小超出日志长度", "tree size beyond the log", "size");
  CompactRange range(algorithm);
  uint64_t at = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    auto h = store.SubtreeHash(level, at >> level);
    if (!h) return h.error();
    range.hashes_.push_back(*h);
    at += width;
  }
  range.size_ = size;
  return range;
}

void CompactRange::Append(const Hash& leaf_hash,
                          const std::function<void(const Node&)>& completed) {
  // The decomposition of size_ has one subtree per set bit; adding a leaf carries through the
  // trailing one bits, merging the last subtree with its left neighbour each time.
  Hash h = leaf_hash;
  uint64_t index = size_;
  int level = 0;
  if (completed) completed(Node{0, index, h});
  while ((size_ >> level) & 1) {
    h = hasher_.NodeHash(hashes_.back(), h);
    hashes_.pop_back();
    ++level;
    index >>= 1;
    if (completed) completed(Node{level, index, h});
  }
  hashes_.push_back(h);
  ++size_;
}

Hash CompactRange::Root() const {
  if (hashes_.empty()) return hasher_.EmptyRoot();
  Hash acc = hashes_.back();
  for (size_t i = hashes_.size() - 1; i-- > 0;) acc = hasher_.NodeHash(hashes_[i], acc);
  return acc;
}

}  // namespace zhifa::record
