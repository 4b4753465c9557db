// main() of the benchmarks that measure the server's own paths (zhifa_bench, cases_bench): the
// allocator tuned first, as the zhifa executable's main does, so that both measure the same
// process (bench/README.md: untuned glibc cost cases_bench's step transitions ≈ 10 %).
#include <benchmark/benchmark.h>

#include "core/allocator.h"

int main(int argc, char** argv) {
  zhifa::core::TuneAllocator();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
