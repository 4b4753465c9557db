// Process-wide allocator tuning, called first thing in main() by the zhifa executable and the
// benchmarks so that both measure the same thing.
#pragma once

namespace zhifa::core {

// glibc returns heap memory to the kernel after nearly every transaction by default; each brk()
// costs ~50 µs on a VM, which halved durable command throughput (bench/README.md). Keeps up to
// 256 MiB of freed memory and grows the heap in 64 MiB steps.
void TuneAllocator();

}  // namespace zhifa::core
