#include "daemon/core/reduced_caps.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden {
namespace {

struct ThreadCaps {
  uint64_t effective = 0;
  uint64_t permitted = 0;
  uint64_t inheritable = 0;
};

uint64_t Join(uint32_t low, uint32_t high) {
  return (uint64_t{high} << 32) | low;
}

// The calling thread's sets (pid 0 in the header: this thread).
absl::StatusOr<ThreadCaps> GetCaps() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) != 0) {
    return ErrnoStatus(errno, "capget");
  }
  return ThreadCaps{Join(data[0].effective, data[1].effective),
                    Join(data[0].permitted, data[1].permitted),
                    Join(data[0].inheritable, data[1].inheritable)};
}

absl::Status SetCaps(const ThreadCaps& caps) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = static_cast<uint32_t>(caps.effective >> (32 * i));
    data[i].permitted = static_cast<uint32_t>(caps.permitted >> (32 * i));
    data[i].inheritable = static_cast<uint32_t>(caps.inheritable >> (32 * i));
  }
  if (::syscall(SYS_capset, &header, data) != 0) {
    return ErrnoStatus(errno, "capset");
  }
  return absl::OkStatus();
}

// Lowers this thread's effective set to `effective`.
absl::Status Lower(uint64_t effective) {
  absl::StatusOr<ThreadCaps> caps = GetCaps();
  if (!caps.ok()) return caps.status();
  if (uint64_t missing = effective & ~caps->permitted; missing != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a scoped administrator's objects are verified with only ",
        CapabilityNames(effective), ", and the daemon has not got ",
        CapabilityNames(missing),
        " (CAP_BPF needs Linux 5.8 or later; otherwise add it to the "
        "daemon's capability bounding set: CapabilityBoundingSet= in its "
        "unit, securityContext.capabilities in Kubernetes)"));
  }
  caps->effective = effective;
  absl::Status s = SetCaps(*caps);
  if (!s.ok()) {
    return absl::InternalError(
        absl::StrCat("lowering the loading thread's capabilities to ",
                     CapabilityNames(effective), ": ", s.message()));
  }
  // Check what the kernel kept rather than trusting capset's answer.
  absl::StatusOr<ThreadCaps> now = GetCaps();
  if (!now.ok()) return now.status();
  if (now->effective != effective) {
    return absl::InternalError(
        absl::StrCat("the loading thread kept effective capabilities ",
                     CapabilityNames(now->effective), " instead of ",
                     CapabilityNames(effective)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string CapabilityNames(uint64_t caps) {
  std::vector<std::string> names;
  for (int bit = 0; bit < 64; ++bit) {
    if ((caps & (uint64_t{1} << bit)) == 0) continue;
    switch (bit) {
      case kCapNetAdmin:
        names.push_back("CAP_NET_ADMIN");
        break;
      case kCapSysAdmin:
        names.push_back("CAP_SYS_ADMIN");
        break;
      case kCapPerfmon:
        names.push_back("CAP_PERFMON");
        break;
      case kCapBpf:
        names.push_back("CAP_BPF");
        break;
      default:
        names.push_back(absl::StrCat("cap_", bit));
    }
  }
  return names.empty() ? "no capabilities" : absl::StrJoin(names, ", ");
}

absl::Status RunWithEffectiveCaps(uint64_t effective,
                                  absl::FunctionRef<absl::Status()> work) {
  absl::Status result;
  // The thread exits with its lowered set; nothing else ever runs on it.
  std::thread thread([&] {
    result = Lower(effective);
    if (result.ok()) result = work();
  });
  thread.join();
  return result;
}

absl::StatusOr<uint64_t> EffectiveCaps() {
  absl::StatusOr<ThreadCaps> caps = GetCaps();
  if (!caps.ok()) return caps.status();
  return caps->effective;
}

}  // namespace bpfwarden
