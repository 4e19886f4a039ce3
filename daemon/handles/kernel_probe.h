// Whether this kernel lets a process without BPF capabilities use a map
// descriptor it was handed, probed once at start.
#ifndef BPFWARDEN_DAEMON_HANDLES_KERNEL_PROBE_H_
#define BPFWARDEN_DAEMON_HANDLES_KERNEL_PROBE_H_

#include <string>

#include "absl/status/status.h"

namespace bpfwarden::handles {

struct HandleProbe {
  // A capability-less child read through a read-only descriptor with
  // bpf(BPF_MAP_LOOKUP_ELEM), and its update through it was refused.
  bool usable = false;
  // What was found, for Daemon.Status and the log.
  std::string detail;

  // OK when usable; else FAILED_PRECONDITION naming the kernel rule and
  // kernel.unprivileged_bpf_disabled (what hand-overs answer).
  absl::Status Precondition() const;
};

// What the probe's child found.
enum class ProbeStep {
  kCapsNotDropped = 1,  // capset failed: nothing learnt
  kLookupRefused = 2,   // bpf() refused to a capability-less process
  kWrongValue = 3,      // the lookup read something else
  kUpdateAllowed = 4,   // the read-only descriptor took an update
  kDone = 5,            // lookup worked, update refused: usable
};

// The verdict on `step` (with the errno there and the sysctl's value).
HandleProbe Judge(ProbeStep step, int err, const std::string& sysctl);

// Creates a one-element array map, opens it read-only, and forks a child
// that drops every capability (capset to nothing: the uid does not matter
// to bpf(), the capabilities do) and looks the element up through the
// inherited descriptor, then tries to update it. Needs CAP_BPF (or
// CAP_SYS_ADMIN) for the map; a daemon without it finds handles unusable.
HandleProbe ProbeReadHandles();

// kernel.unprivileged_bpf_disabled as read now: "0", "1", "2", or
// "unknown".
std::string UnprivilegedBpfDisabled();

}  // namespace bpfwarden::handles

#endif  // BPFWARDEN_DAEMON_HANDLES_KERNEL_PROBE_H_
