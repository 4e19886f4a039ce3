// What the running kernel offers the daemon, probed once at start.
#ifndef BPFWARDEN_DAEMON_API_KERNEL_FEATURES_H_
#define BPFWARDEN_DAEMON_API_KERNEL_FEATURES_H_

#include <string>
#include <vector>

#include "daemon/core/kernel_platform.h"

namespace bpfwarden::api {

struct KernelFeature {
  std::string name;
  bool present = false;
  std::string detail;
};

struct KernelFeatures {
  std::string release;  // uname -r
  std::vector<KernelFeature> features;
};

// Probes kernel BTF, the program and map types the daemon uses, batch map
// operations (and of LPM tries), cgroup links, BTF decl tags, the cgroup v2
// mount and unprivileged_bpf_disabled; and tells
// what the daemon found at start (`platform`): kernel_hz, atomic_cmpxchg,
// builtin_variant.
KernelFeatures ProbeKernelFeatures(const KernelPlatform& platform);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_KERNEL_FEATURES_H_
