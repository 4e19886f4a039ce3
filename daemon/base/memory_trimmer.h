// Hands memory the daemon freed back to the kernel now and then
// (malloc_trim). glibc keeps freed blocks in its arenas: after a burst of
// large requests or dumps the RSS stays where the burst left it (measured
// by tests/adversary: 29 MiB steady, 53 MiB after, 28 MiB once trimmed).
#ifndef BPFWARDEN_DAEMON_BASE_MEMORY_TRIMMER_H_
#define BPFWARDEN_DAEMON_BASE_MEMORY_TRIMMER_H_

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bpfwarden {

class MemoryTrimmer {
 public:
  // Trims every `interval` on a thread of its own; a zero or negative
  // interval: never (no thread).
  explicit MemoryTrimmer(absl::Duration interval);
  // Stops the thread.
  ~MemoryTrimmer();
  MemoryTrimmer(const MemoryTrimmer&) = delete;
  MemoryTrimmer& operator=(const MemoryTrimmer&) = delete;

 private:
  void Run(absl::Duration interval);

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_MEMORY_TRIMMER_H_
