// Work run with fewer effective capabilities than the daemon's. Linux keeps
// capabilities per thread: a short-lived thread lowers its own effective set
// (capset(2)), runs the work and exits; the rest of the daemon keeps its
// own. The kernel objects the work creates (map and program FDs) belong to
// the process and stay usable everywhere.
//
// A scoped administrator's object is verified this way, with CAP_BPF and
// CAP_NET_ADMIN only, so the verifier itself refuses kernel reads
// (bpf_probe_read_kernel, needs CAP_PERFMON) and pointer leaks (need
// CAP_PERFMON) for it, whatever the daemon's own privileges.
#ifndef BPFWARDEN_DAEMON_CORE_REDUCED_CAPS_H_
#define BPFWARDEN_DAEMON_CORE_REDUCED_CAPS_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace bpfwarden {

// Capability numbers (linux/capability.h), for readers of this header.
inline constexpr int kCapNetAdmin = 12;
inline constexpr int kCapSysAdmin = 21;
inline constexpr int kCapPerfmon = 38;
inline constexpr int kCapBpf = 39;  // Linux 5.8+

// What a scoped administrator's object is loaded with: map creation and
// BTF (bpf_capable), cgroup networking programs (CAP_NET_ADMIN).
inline constexpr uint64_t kScopedLoadCaps =
    (uint64_t{1} << kCapBpf) | (uint64_t{1} << kCapNetAdmin);

// "CAP_BPF, CAP_NET_ADMIN" for the bits of `caps` (cap_N for unknown ones).
std::string CapabilityNames(uint64_t caps);

// Runs `work` on a new thread whose effective capabilities are exactly
// `effective`, and returns its status. FailedPrecondition, without running
// it, when the daemon's permitted set lacks one of them (naming it, and why
// it may be missing: an older kernel, a bounding set); Internal when the
// kernel refuses capset.
absl::Status RunWithEffectiveCaps(uint64_t effective,
                                  absl::FunctionRef<absl::Status()> work);

// The calling thread's effective capabilities (for tests and logs).
absl::StatusOr<uint64_t> EffectiveCaps();

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_REDUCED_CAPS_H_
