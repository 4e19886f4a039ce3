// Program and map types an object needs that the running kernel lacks:
// after a failed load, the daemon names the first such type and the Linux
// version that brought it, instead of libbpf's bare EINVAL.
#ifndef BPFWARDEN_DAEMON_CORE_KERNEL_TYPES_H_
#define BPFWARDEN_DAEMON_CORE_KERNEL_TYPES_H_

#include <bpf/libbpf.h>

#include <functional>
#include <string>

#include "absl/status/status.h"

namespace bpfwarden {

// The Linux version that brought the type ("5.14"), or "" when unknown.
const char* ProgTypeSince(bpf_prog_type type);
const char* MapTypeSince(bpf_map_type type);

// 1: the kernel has the type, 0: it has not, < 0: cannot tell (libbpf's
// probes answer so; tests pass their own).
struct TypeProbes {
  std::function<int(bpf_prog_type)> prog;
  std::function<int(bpf_map_type)> map;
};
// libbpf_probe_bpf_prog_type and libbpf_probe_bpf_map_type, each type asked
// once per process (with the calling thread's privileges: call it with the
// daemon's own, not a scoped administrator's reduced ones).
const TypeProbes& KernelTypeProbes();

// OK when the kernel has (or may have) every program and map type of the
// opened object `obj`; otherwise FailedPrecondition naming the first it
// lacks: "set logs: program log_hints needs kernel feature program type
// syscall (Linux 5.14), which this kernel lacks".
absl::Status CheckKernelTypes(const std::string& set, const bpf_object* obj,
                              const TypeProbes& probes = KernelTypeProbes());

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_KERNEL_TYPES_H_
