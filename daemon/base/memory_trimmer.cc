#include "daemon/base/memory_trimmer.h"

#include <malloc.h>

namespace bpfwarden {

MemoryTrimmer::MemoryTrimmer(absl::Duration interval) {
  if (interval > absl::ZeroDuration()) {
    thread_ = std::thread([this, interval] { Run(interval); });
  }
}

MemoryTrimmer::~MemoryTrimmer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void MemoryTrimmer::Run(absl::Duration interval) {
  absl::MutexLock lock(&mu_);
  while (!mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval)) {
    mu_.Unlock();
    malloc_trim(0);
    mu_.Lock();
  }
}

}  // namespace bpfwarden
