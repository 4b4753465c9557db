#include "core/allocator.h"

#include <malloc.h>

namespace zhifa::core {

void TuneAllocator() {
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
}

}  // namespace zhifa::core
