// Tiny BPF programs that ask the running kernel what it does, rather than
// trusting its version number.
#ifndef BPFWARDEN_DAEMON_CORE_KERNEL_PROBES_H_
#define BPFWARDEN_DAEMON_CORE_KERNEL_PROBES_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden {

// A socket filter that returns bpf_jiffies64(), run with BPF_PROG_TEST_RUN.
class JiffiesProbe {
 public:
  static absl::StatusOr<JiffiesProbe> Create();
  // The kernel's jiffies now, its low 32 bits (a test run returns 32).
  absl::StatusOr<uint32_t> Jiffies() const;

 private:
  explicit JiffiesProbe(UniqueFd prog) : prog_(std::move(prog)) {}
  UniqueFd prog_;
};

// OK when the verifier accepts a BPF_ATOMIC compare-and-swap (Linux 5.12+);
// otherwise the kernel's refusal, with its verifier log's last line.
absl::Status ProbeAtomicCmpxchg();

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_KERNEL_PROBES_H_
