#include "record/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zhifa::record {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// ---- The RFC 9162 §2.1 definitions written out recursively over a vector of leaf hashes: the
// reference the store-based, iterative code is compared with. -------------------------------

uint64_t K(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash RefMth(const TreeHasher& h, const std::vector<Hash>& leaves, uint64_t a, uint64_t b) {
  if (b == a) return h.EmptyRoot();
  if (b - a == 1) return leaves[a];
  const uint64_t k = K(b - a);
  return h.NodeHash(RefMth(h, leaves, a, a + k), RefMth(h, leaves, a + k, b));
}

std::vector<Hash> RefPath(const TreeHasher& h, const std::vector<Hash>& leaves, uint64_t m,
                          uint64_t a, uint64_t b) {
  if (b - a <= 1) return {};
  const uint64_t k = K(b - a);
  std::vector<Hash> p;
  if (m < k) {
    p = RefPath(h, leaves, m, a, a + k);
    p.push_back(RefMth(h, leaves, a + k, b));
  } else {
    p = RefPath(h, leaves, m - k, a + k, b);
    p.push_back(RefMth(h, leaves, a, a + k));
  }
  return p;
}

std::vector<Hash> RefSubproof(const TreeHasher& h, const std::vector<Hash>& leaves, uint64_t m,
                              uint64_t a, uint64_t b, bool complete) {
  const uint64_t n = b - a;
  if (m == n) {
    if (complete) return {};
    return {RefMth(h, leaves, a, b)};
  }
  const uint64_t k = K(n);
  std::vector<Hash> p;
  if (m <= k) {
    p = RefSubproof(h, leaves, m, a, a + k, complete);
    p.push_back(RefMth(h, leaves, a + k, b));
  } else {
    p = RefSubproof(h, leaves, m - k, a + k, b, false);
    p.push_back(RefMth(h, leaves, a, a + k));
  }
  return p;
}

// The eight leaves of the Certificate Transparency reference tests (RFC 6962 test data,
// certificate-transparency/cpp/merkletree/merkle_tree_test.cc).
const char* const kCtLeaves[] = {"",
                                 "00",
                                 "10",
                                 "2021",
                                 "3031",
                                 "40414243",
                                 "5051525354555657",
                                 "606162636465666768696a6b6c6d6e6f"};

// MTH of the first n of those leaves with SHA-256, n = 0..8 (same source).
const char* const kCtRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

TEST(TreeHasher, StandardVectors) {
  // GB/T 32905-2016 Appendix A.1: SM3("abc").
  EXPECT_EQ(HashHex(TreeHasher(HashAlgorithm::kSm3).Digest("abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  // GB/T 32905-2016 Appendix A.2: SM3 of "abcd" repeated 16 times (64 bytes).
  std::string abcd;
  for (int i = 0; i < 16; ++i) abcd += "abcd";
  EXPECT_EQ(HashHex(TreeHasher(HashAlgorithm::kSm3).Digest(abcd)),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
  // FIPS 180-4 example: SHA-256("abc").
  EXPECT_EQ(HashHex(TreeHasher(HashAlgorithm::kSha256).Digest("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TreeHasher, DomainSeparation) {
  for (auto alg : {HashAlgorithm::kSm3, HashAlgorithm::kSha256}) {
    TreeHasher h(alg);
    EXPECT_EQ(h.LeafHash("x"), h.Digest(std::string("\0x", 2)));
    const Hash a = h.Digest("a"), b = h.Digest("b");
    EXPECT_EQ(h.NodeHash(a, b), h.Digest(std::string("\x01") + std::string(HashBytes(a)) +
                                         std::string(HashBytes(b))));
    EXPECT_NE(h.NodeHash(a, b), h.NodeHash(b, a));
  }
}

TEST(HashAlgorithm, Names) {
  EXPECT_EQ(ParseHashAlgorithm("sm3").value(), HashAlgorithm::kSm3);
  EXPECT_EQ(ParseHashAlgorithm("sha256").value(), HashAlgorithm::kSha256);
  EXPECT_FALSE(ParseHashAlgorithm("SM3"));
  EXPECT_STREQ(HashAlgorithmName(HashAlgorithm::kSm3), "sm3");
  EXPECT_FALSE(HashFromHex("00"));
  EXPECT_FALSE(HashFromHex(std::string(63, '0') + "g"));
}

TEST(Merkle, Rfc6962RootVectors) {
  TreeHasher h(HashAlgorithm::kSha256);
  MemoryHashStore store(HashAlgorithm::kSha256);
  CompactRange range(HashAlgorithm::kSha256);
  EXPECT_EQ(HashHex(RootHash(h, store, 0).value()), kCtRoots[0]);
  EXPECT_EQ(HashHex(range.Root()), kCtRoots[0]);
  for (size_t n = 1; n <= 8; ++n) {
    const Hash leaf = h.LeafHash(Unhex(kCtLeaves[n - 1]));
    store.AppendLeafHash(leaf);
    range.Append(leaf);
    EXPECT_EQ(HashHex(RootHash(h, store, n).value()), kCtRoots[n]) << n;
    EXPECT_EQ(HashHex(range.Root()), kCtRoots[n]) << n;
  }
}

// Inclusion and consistency proofs from the same reference (merkle_tree_test.cc, kPathTestVector
// and kProofTestVector).
TEST(Merkle, Rfc6962ProofVectors) {
  TreeHasher h(HashAlgorithm::kSha256);
  MemoryHashStore store(HashAlgorithm::kSha256);
  for (const char* leaf : kCtLeaves) store.AppendLeafHash(h.LeafHash(Unhex(leaf)));
  struct PathCase {
    uint64_t index, size;
    std::vector<const char*> path;
  };
  const PathCase paths[] = {
      {0, 1, {}},
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const auto& c : paths) {
    auto proof = InclusionProof(h, store, c.index, c.size).value();
    ASSERT_EQ(proof.size(), c.path.size()) << c.index << "/" << c.size;
    for (size_t i = 0; i < proof.size(); ++i) EXPECT_EQ(HashHex(proof[i]), c.path[i]);
  }
  struct ConsistencyCase {
    uint64_t m, n;
    std::vector<const char*> proof;
  };
  const ConsistencyCase proofs[] = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const auto& c : proofs) {
    auto proof = ConsistencyProof(h, store, c.m, c.n).value();
    ASSERT_EQ(proof.size(), c.proof.size()) << c.m << "→" << c.n;
    for (size_t i = 0; i < proof.size(); ++i) EXPECT_EQ(HashHex(proof[i]), c.proof[i]);
  }
}

class MerkleAll : public ::testing::TestWithParam<HashAlgorithm> {};

// Leaves for sizes 1..64: leaf i = H(0x00 ‖ "leaf " ‖ i).
std::vector<Hash> TestLeaves(const TreeHasher& h, size_t n) {
  std::vector<Hash> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(h.LeafHash("leaf " + std::to_string(i)));
  return leaves;
}

// Which bits of a proof element the tamper tests flip: all 256 with SHA-256; with SM3 (≈ 3×
// slower here, and the verification logic is the same code for both hashes) one bit in every
// byte, a different position in each.
std::vector<size_t> TamperBits(HashAlgorithm alg) {
  std::vector<size_t> bits;
  for (size_t bit = 0; bit < 8 * kHashBytes; ++bit) {
    if (alg == HashAlgorithm::kSha256 || bit % 8 == (bit / 8) % 8) bits.push_back(bit);
  }
  return bits;
}

Hash FlipBit(Hash x, size_t bit) {
  x[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return x;
}

TEST_P(MerkleAll, StoreRangeAndReferenceAgree) {
  TreeHasher h(GetParam());
  const auto leaves = TestLeaves(h, 64);
  MemoryHashStore store(GetParam());
  CompactRange range(GetParam());
  std::vector<CompactRange::Node> completed;
  for (uint64_t n = 1; n <= 64; ++n) {
    store.AppendLeafHash(leaves[n - 1]);
    range.Append(leaves[n - 1], [&](const CompactRange::Node& node) { completed.push_back(node); });
    const Hash ref = RefMth(h, leaves, 0, n);
    EXPECT_EQ(RootHash(h, store, n).value(), ref) << n;
    EXPECT_EQ(range.Root(), ref) << n;
    EXPECT_EQ(CompactRange::FromStore(GetParam(), store, n).value().Root(), ref) << n;
  }
  // Every perfect subtree the compact range reported is the one the store keeps.
  EXPECT_EQ(completed.size(), 127u);  // 64 + 32 + … + 1
  for (const auto& node : completed) {
    EXPECT_EQ(store.SubtreeHash(node.level, node.index).value(), node.hash);
    EXPECT_EQ(node.hash,
              RefMth(h, leaves, node.index << node.level, (node.index + 1) << node.level));
  }
  // Roots of earlier sizes stay answerable from the grown store.
  for (uint64_t n = 0; n <= 64; ++n) {
    EXPECT_EQ(RootHash(h, store, n).value(), RefMth(h, leaves, 0, n));
  }
  EXPECT_FALSE(RootHash(h, store, 65));
  EXPECT_FALSE(RangeHash(h, store, 1, 3));  // not a node: 1 is not a multiple of 2
  EXPECT_FALSE(RangeHash(h, store, 4, 4));
  EXPECT_TRUE(RangeHash(h, store, 4, 7));
}

TEST_P(MerkleAll, EveryInclusionProofVerifiesAndEveryBitFlipFails) {
  TreeHasher h(GetParam());
  const auto leaves = TestLeaves(h, 64);
  MemoryHashStore store(GetParam());
  for (const auto& l : leaves) store.AppendLeafHash(l);
  uint64_t checked = 0;
  for (uint64_t n = 1; n <= 64; ++n) {
    const Hash root = RefMth(h, leaves, 0, n);
    for (uint64_t m = 0; m < n; ++m) {
      auto proof = InclusionProof(h, store, m, n).value();
      ASSERT_EQ(proof, RefPath(h, leaves, m, 0, n)) << m << "/" << n;
      ASSERT_TRUE(VerifyInclusion(h, m, n, leaves[m], proof, root)) << m << "/" << n;
      // Each single-bit change of a proof element, the leaf hash or the root fails.
      for (size_t i = 0; i < proof.size(); ++i) {
        const Hash saved = proof[i];
        for (size_t bit : TamperBits(GetParam())) {
          proof[i] = FlipBit(saved, bit);
          ASSERT_FALSE(VerifyInclusion(h, m, n, leaves[m], proof, root)) << m << "/" << n;
          ++checked;
        }
        proof[i] = saved;
      }
      // Leaf and root: one bit in every byte (a different bit position per byte).
      for (size_t byte = 0; byte < kHashBytes; ++byte) {
        const size_t bit = byte * 8 + byte % 8;
        ASSERT_FALSE(VerifyInclusion(h, m, n, FlipBit(leaves[m], bit), proof, root));
        ASSERT_FALSE(VerifyInclusion(h, m, n, leaves[m], proof, FlipBit(root, bit)));
      }
      // Wrong index, wrong size, a missing or an extra element.
      for (uint64_t other = 0; other < n; ++other) {
        if (other != m) {
          EXPECT_FALSE(VerifyInclusion(h, other, n, leaves[m], proof, root));
        }
      }
      // (The same path may fit a neighbouring size: the size is bound by that size's root.)
      if (n < 64) {
        EXPECT_FALSE(VerifyInclusion(h, m, n + 1, leaves[m], proof, RefMth(h, leaves, 0, n + 1)));
      }
      EXPECT_FALSE(VerifyInclusion(h, n, n, leaves[m], proof, root));
      if (!proof.empty()) {
        auto shorter = proof;
        shorter.pop_back();
        EXPECT_FALSE(VerifyInclusion(h, m, n, leaves[m], shorter, root));
      }
      auto longer = proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(h, m, n, leaves[m], longer, root));
    }
  }
  EXPECT_GT(checked, 100000u);
  EXPECT_FALSE(InclusionProof(h, store, 64, 64));
  EXPECT_FALSE(InclusionProof(h, store, 0, 65));
}

TEST_P(MerkleAll, EveryConsistencyProofVerifiesAndEveryBitFlipFails) {
  TreeHasher h(GetParam());
  const auto leaves = TestLeaves(h, 64);
  MemoryHashStore store(GetParam());
  for (const auto& l : leaves) store.AppendLeafHash(l);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= 64; ++n) roots.push_back(RefMth(h, leaves, 0, n));
  for (uint64_t n = 1; n <= 64; ++n) {
    for (uint64_t m = 0; m <= n; ++m) {
      auto proof = ConsistencyProof(h, store, m, n).value();
      if (m > 0 && m < n) {
        ASSERT_EQ(proof, RefSubproof(h, leaves, m, 0, n, true)) << m << "→" << n;
      } else {
        ASSERT_TRUE(proof.empty());
      }
      ASSERT_TRUE(VerifyConsistency(h, m, n, roots[m], roots[n], proof)) << m << "→" << n;
      for (size_t i = 0; i < proof.size(); ++i) {
        const Hash saved = proof[i];
        for (size_t bit : TamperBits(GetParam())) {
          proof[i] = FlipBit(saved, bit);
          ASSERT_FALSE(VerifyConsistency(h, m, n, roots[m], roots[n], proof)) << m << "→" << n;
        }
        proof[i] = saved;
      }
      for (size_t byte = 0; byte < kHashBytes; ++byte) {  // one bit in every byte
        const size_t bit = byte * 8 + byte % 8;
        ASSERT_FALSE(VerifyConsistency(h, m, n, FlipBit(roots[m], bit), roots[n], proof));
        // The empty tree is consistent with every tree: nothing binds the new root then.
        if (m > 0) {
          ASSERT_FALSE(VerifyConsistency(h, m, n, roots[m], FlipBit(roots[n], bit), proof));
        }
      }
      // The proof does not carry over to other sizes, nor with an element missing or added.
      if (m >= 1 && m < n) {
        EXPECT_FALSE(VerifyConsistency(h, m, n - 1, roots[m], roots[n - 1], proof));
        EXPECT_FALSE(VerifyConsistency(h, m - 1, n, roots[m - 1], roots[n], proof));
        auto shorter = proof;
        shorter.pop_back();
        EXPECT_FALSE(VerifyConsistency(h, m, n, roots[m], roots[n], shorter));
        auto longer = proof;
        longer.push_back(roots[n]);
        EXPECT_FALSE(VerifyConsistency(h, m, n, roots[m], roots[n], longer));
      }
    }
  }
  EXPECT_FALSE(ConsistencyProof(h, store, 5, 4));
  EXPECT_FALSE(ConsistencyProof(h, store, 5, 65));
  EXPECT_FALSE(VerifyConsistency(h, 5, 4, roots[5], roots[4], {}));
}

INSTANTIATE_TEST_SUITE_P(Hashes, MerkleAll,
                         ::testing::Values(HashAlgorithm::kSm3, HashAlgorithm::kSha256),
                         [](const auto& info) {
                           return std::string(HashAlgorithmName(info.param));
                         });

TEST(MemoryHashStore, OverheadIsBelowTwoHashesPerLeaf) {
  MemoryHashStore store(HashAlgorithm::kSm3);
  const uint64_t n = 1000;
  store.Reserve(n);
  TreeHasher h(HashAlgorithm::kSm3);
  for (uint64_t i = 0; i < n; ++i) store.AppendLeafHash(h.LeafHash(std::to_string(i)));
  EXPECT_LE(store.MemoryBytes(), 2 * n * kHashBytes);
  EXPECT_GE(store.MemoryBytes(), (2 * n - 10) * kHashBytes);
  EXPECT_FALSE(store.SubtreeHash(10, 0));  // 2^10 > 1000
  EXPECT_TRUE(store.SubtreeHash(9, 0));
}

}  // namespace
}  // namespace zhifa::record
