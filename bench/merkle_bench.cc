// merkle_bench — the record log's cryptographic core (zhifa_record_crypto), no database:
//   BM_Digest            SM3 / SHA-256 through TreeHasher at openssl speed's block sizes (compare
//                        with `openssl speed -evp sm3` / `-evp sha256` run at the same time)
//   BM_NodeHash          one RFC 9162 node hash H(0x01 ‖ l ‖ r), 65 bytes
//   BM_CompactRangeAppend / BM_CompactRangeAppendAndRoot / BM_MemoryStoreAppend
//                        append rate into the frontier (and with a root after every append)
//   BM_InclusionProof10M / BM_ConsistencyProof10M / BM_VerifyInclusion10M
//                        proofs in a 10,000,000-entry log held by MemoryHashStore (built once per
//                        hash algorithm on first use, ≈ 20 million hashes; the time is printed)
//   BM_SignCheckpoint / BM_VerifyCheckpoint
//                        SM2 and Ed25519 signed-note checkpoints
// Run: build/release/bench/merkle_bench  (see bench/README.md, "Record log crypto").
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "record/checkpoint.h"
#include "record/merkle.h"

namespace {

using zhifa::record::CompactRange;
using zhifa::record::Hash;
using zhifa::record::HashAlgorithm;
using zhifa::record::MemoryHashStore;
using zhifa::record::TreeHasher;

constexpr uint64_t kBigLog = 10'000'000;

HashAlgorithm Alg(const benchmark::State& state) {
  return state.range(0) == 0 ? HashAlgorithm::kSm3 : HashAlgorithm::kSha256;
}

void Label(benchmark::State& state) {
  state.SetLabel(zhifa::record::HashAlgorithmName(Alg(state)));
}

// A cheap deterministic sequence of leaf hashes (the cost measured is the tree's, not the
// entries').
std::vector<Hash> Leaves(const TreeHasher& h, size_t n) {
  std::vector<Hash> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(h.LeafHash(std::to_string(i)));
  return out;
}

// 64-bit LCG (Knuth MMIX) for random leaf indices.
struct Lcg {
  uint64_t s = 0x9E3779B97F4A7C15ull;
  uint64_t Next() { return s = s * 6364136223846793005ull + 1442695040888963407ull; }
};

// The 10-million-entry store of one algorithm, built on first use and kept for the process.
const MemoryHashStore& BigStore(HashAlgorithm alg) {
  static std::unique_ptr<MemoryHashStore> stores[2];
  auto& s = stores[alg == HashAlgorithm::kSm3 ? 0 : 1];
  if (!s) {
    const auto t0 = std::chrono::steady_clock::now();
    s = std::make_unique<MemoryHashStore>(alg);
    s->Reserve(kBigLog);
    TreeHasher h(alg);
    std::string entry(8, '\0');
    for (uint64_t i = 0; i < kBigLog; ++i) {
      for (int b = 0; b < 8; ++b) entry[b] = static_cast<char>(i >> (8 * b));
      s->AppendLeafHash(h.LeafHash(entry));
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "built %s store of %llu leaves in %.1f s (%.0f appends/s), %.1f MB\n",
                 zhifa::record::HashAlgorithmName(alg), static_cast<unsigned long long>(kBigLog),
                 secs, static_cast<double>(kBigLog) / secs,
                 static_cast<double>(s->MemoryBytes()) / 1e6);
  }
  return *s;
}

void BM_Digest(benchmark::State& state) {
  TreeHasher h(Alg(state));
  const std::string data(static_cast<size_t>(state.range(1)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(h.Digest(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
  Label(state);
}
BENCHMARK(BM_Digest)
    ->ArgNames({"sha256", "bytes"})
    ->ArgsProduct({{0, 1}, {16, 64, 256, 1024, 8192, 16384}});

void BM_NodeHash(benchmark::State& state) {
  TreeHasher h(Alg(state));
  Hash a = h.Digest("a"), b = h.Digest("b");
  for (auto _ : state) {
    a = h.NodeHash(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.counters["hashes_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  Label(state);
}
BENCHMARK(BM_NodeHash)->ArgName("sha256")->Arg(0)->Arg(1);

void BM_CompactRangeAppend(benchmark::State& state) {
  TreeHasher h(Alg(state));
  const auto leaves = Leaves(h, 1 << 16);
  CompactRange range(Alg(state));
  size_t i = 0;
  for (auto _ : state) {
    range.Append(leaves[i++ & 0xffff]);
  }
  benchmark::DoNotOptimize(range.Root());
  state.counters["appends_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  Label(state);
}
BENCHMARK(BM_CompactRangeAppend)->ArgName("sha256")->Arg(0)->Arg(1);

// Append and compute the root every time (a checkpoint after every entry: the worst case).
void BM_CompactRangeAppendAndRoot(benchmark::State& state) {
  TreeHasher h(Alg(state));
  const auto leaves = Leaves(h, 1 << 16);
  // Start from the 10-million-entry log (the root costs one node hash per set bit of the size).
  CompactRange range = CompactRange::FromStore(Alg(state), BigStore(Alg(state)), kBigLog).value();
  size_t i = 0;
  for (auto _ : state) {
    range.Append(leaves[i++ & 0xffff]);
    benchmark::DoNotOptimize(range.Root());
  }
  state.counters["appends_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  Label(state);
}
BENCHMARK(BM_CompactRangeAppendAndRoot)->ArgName("sha256")->Arg(0)->Arg(1);

void BM_MemoryStoreAppend(benchmark::State& state) {
  TreeHasher h(Alg(state));
  const auto leaves = Leaves(h, 1 << 16);
  auto store = std::make_unique<MemoryHashStore>(Alg(state));
  size_t i = 0;
  for (auto _ : state) store->AppendLeafHash(leaves[i++ & 0xffff]);
  state.counters["appends_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes_per_entry"] =
      static_cast<double>(store->MemoryBytes()) / static_cast<double>(store->size());
  Label(state);
}
BENCHMARK(BM_MemoryStoreAppend)->ArgName("sha256")->Arg(0)->Arg(1);

void BM_InclusionProof10M(benchmark::State& state) {
  const auto& store = BigStore(Alg(state));
  TreeHasher h(Alg(state));
  Lcg rng;
  const uint64_t size = state.range(1) ? kBigLog : kBigLog - 1'234'567;  // non-power-of-2 both
  for (auto _ : state) {
    auto proof = zhifa::record::InclusionProof(h, store, rng.Next() % size, size);
    benchmark::DoNotOptimize(proof);
  }
  state.counters["bytes_per_entry"] =
      static_cast<double>(store.MemoryBytes()) / static_cast<double>(store.size());
  Label(state);
}
BENCHMARK(BM_InclusionProof10M)
    ->ArgNames({"sha256", "full"})
    ->ArgsProduct({{0, 1}, {1, 0}})
    ->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof10M(benchmark::State& state) {
  const auto& store = BigStore(Alg(state));
  TreeHasher h(Alg(state));
  Lcg rng;
  for (auto _ : state) {
    auto proof = zhifa::record::ConsistencyProof(h, store, 1 + rng.Next() % (kBigLog - 1), kBigLog);
    benchmark::DoNotOptimize(proof);
  }
  Label(state);
}
BENCHMARK(BM_ConsistencyProof10M)->ArgName("sha256")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_VerifyInclusion10M(benchmark::State& state) {
  const auto& store = BigStore(Alg(state));
  TreeHasher h(Alg(state));
  const Hash root = zhifa::record::RootHash(h, store, kBigLog).value();
  Lcg rng;
  std::vector<std::pair<uint64_t, std::vector<Hash>>> proofs;
  for (int i = 0; i < 1024; ++i) {
    const uint64_t index = rng.Next() % kBigLog;
    proofs.emplace_back(index, zhifa::record::InclusionProof(h, store, index, kBigLog).value());
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto& [index, proof] = proofs[i++ & 1023];
    auto leaf = store.SubtreeHash(0, index).value();
    if (!zhifa::record::VerifyInclusion(h, index, kBigLog, leaf, proof, root)) {
      state.SkipWithError("proof does not verify");
      break;
    }
  }
  Label(state);
}
BENCHMARK(BM_VerifyInclusion10M)->ArgName("sha256")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

zhifa::record::SignatureAlgorithm SigAlg(const benchmark::State& state) {
  return state.range(0) == 0 ? zhifa::record::SignatureAlgorithm::kSm2
                             : zhifa::record::SignatureAlgorithm::kEd25519;
}

zhifa::record::Checkpoint BenchCheckpoint() {
  return {"zhifa.example.gov.cn/record", kBigLog, TreeHasher(HashAlgorithm::kSm3).Digest("r"), {}};
}

void BM_SignCheckpoint(benchmark::State& state) {
  auto signer = zhifa::record::NoteSigner::Generate(SigAlg(state), "zhifa.example.gov.cn/record");
  const auto checkpoint = BenchCheckpoint();
  for (auto _ : state) benchmark::DoNotOptimize(signer->SignCheckpoint(checkpoint));
  state.SetLabel(zhifa::record::SignatureAlgorithmName(SigAlg(state)));
}
BENCHMARK(BM_SignCheckpoint)->ArgName("ed25519")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_VerifyCheckpoint(benchmark::State& state) {
  auto signer = zhifa::record::NoteSigner::Generate(SigAlg(state), "zhifa.example.gov.cn/record");
  const std::string note = signer->SignCheckpoint(BenchCheckpoint()).value();
  for (auto _ : state) {
    if (!signer->verifier().VerifyCheckpoint(note)) {
      state.SkipWithError("does not verify");
      break;
    }
  }
  state.SetLabel(zhifa::record::SignatureAlgorithmName(SigAlg(state)));
}
BENCHMARK(BM_VerifyCheckpoint)->ArgName("ed25519")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
