// Evidence store throughput (bench/README.md, "Evidence store"): incremental hashing of file
// bytes (SM3 / SHA-256, compare with `openssl speed -evp sm3`), a streamed store of a file in
// 256 KiB chunks (write + hash + fsync + link), and a whole-file verified read.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "record/evidence_store.h"

namespace {

using zhifa::record::EvidenceStore;
using zhifa::record::HashAlgorithm;
using zhifa::record::StreamHasher;

constexpr size_t kChunk = 256 * 1024;

std::string Chunk() {
  std::string c(kChunk, '\0');
  for (size_t i = 0; i < c.size(); ++i) c[i] = static_cast<char>(i * 131 + 7);
  return c;
}

void BM_Hash(benchmark::State& state) {
  auto alg = static_cast<HashAlgorithm>(state.range(0));
  std::string c = Chunk();
  for (auto _ : state) {
    StreamHasher h(alg);
    for (int i = 0; i < 16; ++i) h.Update(c);  // 4 MiB
    benchmark::DoNotOptimize(h.Final());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 16 * kChunk);
  state.SetLabel(alg == HashAlgorithm::kSm3 ? "sm3" : "sha256");
}
BENCHMARK(BM_Hash)
    ->Arg(static_cast<int>(HashAlgorithm::kSm3))
    ->Arg(static_cast<int>(HashAlgorithm::kSha256));

std::string Dir() {
  return (std::filesystem::temp_directory_path() / ("evid-bench-" + std::to_string(::getpid())))
      .string();
}

// Stores a 64 MiB file (distinct bytes every iteration, so nothing is deduplicated).
void BM_StoreFile(benchmark::State& state) {
  std::string dir = Dir();
  auto store = EvidenceStore::Open(dir, HashAlgorithm::kSm3).value();
  std::string c = Chunk();
  uint64_t n = 0;
  for (auto _ : state) {
    auto up = store->BeginUpload().value();
    c[0] = static_cast<char>(++n);
    c[1] = static_cast<char>(n >> 8);
    for (int i = 0; i < 256; ++i) {
      if (!up->Write(c)) state.SkipWithError("write failed");
    }
    if (!store->Commit(*up)) state.SkipWithError("commit failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 256 * kChunk);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StoreFile)->Unit(benchmark::kMillisecond)->UseRealTime();

// Reads a stored 64 MiB file in full, re-hashing it (what a whole download does).
void BM_VerifiedRead(benchmark::State& state) {
  std::string dir = Dir() + "-r";
  auto store = EvidenceStore::Open(dir, HashAlgorithm::kSm3).value();
  std::string c = Chunk();
  auto up = store->BeginUpload().value();
  for (int i = 0; i < 256; ++i) (void)up->Write(c);
  auto stored = store->Commit(*up).value();
  std::string buf(kChunk, '\0');
  for (auto _ : state) {
    auto r = store->Open(stored.hash, stored.size, 0, stored.size).value();
    for (;;) {
      auto got = r->Read(buf.data(), buf.size());
      if (!got) state.SkipWithError("verification failed");
      if (!got || *got == 0) break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stored.size));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_VerifiedRead)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
