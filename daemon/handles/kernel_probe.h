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
