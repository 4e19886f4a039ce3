#include "daemon/handles/kernel_probe.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "daemon/base/unique_fd.h"
#include "daemon/handles/read_only_map.h"

namespace bpfwarden::handles {
namespace {

// What the child reports through its pipe.
struct ChildReport {
  int step = 0;  // a ProbeStep: where it stopped
  int err = 0;   // errno there
};
constexpr int kCapset = static_cast<int>(ProbeStep::kCapsNotDropped);
constexpr int kLookup = static_cast<int>(ProbeStep::kLookupRefused);
constexpr int kValue = static_cast<int>(ProbeStep::kWrongValue);
constexpr int kUpdateAllowed = static_cast<int>(ProbeStep::kUpdateAllowed);
constexpr int kDone = static_cast<int>(ProbeStep::kDone);
constexpr uint64_t kProbeValue = 0x6277617264656e;  // "bwarden"

long Bpf(int cmd, union bpf_attr* attr) {
  return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

// In the forked child: syscalls only (the parent has other threads).
[[noreturn]] void Child(int map_fd, int report_fd) {
  ChildReport report;
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[2] = {};
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  if (syscall(SYS_capset, &header, none) != 0) {
    report = {kCapset, errno};
  } else {
    uint32_t key = 0;
    uint64_t value = 0;
    union bpf_attr attr = {};
    attr.map_fd = static_cast<uint32_t>(map_fd);
    attr.key = reinterpret_cast<uint64_t>(&key);
    attr.value = reinterpret_cast<uint64_t>(&value);
    if (Bpf(BPF_MAP_LOOKUP_ELEM, &attr) != 0) {
      report = {kLookup, errno};
    } else if (value != kProbeValue) {
      report = {kValue, 0};
    } else if (value = 1; Bpf(BPF_MAP_UPDATE_ELEM, &attr) == 0) {
      report = {kUpdateAllowed, 0};
    } else {
      report = {kDone, errno};
    }
  }
  ssize_t ignored = write(report_fd, &report, sizeof(report));
  (void)ignored;
  _exit(0);
}

absl::StatusOr<UniqueFd> ProbeMap() {
  union bpf_attr attr = {};
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = sizeof(uint32_t);
  attr.value_size = sizeof(uint64_t);
  attr.max_entries = 1;
  std::memcpy(attr.map_name, "bw_handle_probe", 15);
  UniqueFd fd(static_cast<int>(Bpf(BPF_MAP_CREATE, &attr)));
  if (!fd) {
    return absl::Status(absl::StatusCode::kFailedPrecondition,
                        absl::StrCat("the daemon cannot create a map to "
                                     "probe with: ",
                                     std::strerror(errno)));
  }
  uint32_t key = 0;
  uint64_t value = kProbeValue;
  union bpf_attr update = {};
  update.map_fd = static_cast<uint32_t>(fd.get());
  update.key = reinterpret_cast<uint64_t>(&key);
  update.value = reinterpret_cast<uint64_t>(&value);
  if (Bpf(BPF_MAP_UPDATE_ELEM, &update) != 0) {
    return absl::InternalError(absl::StrCat("probe map update: ",
                                            std::strerror(errno)));
  }
  bpf_map_info info = {};
  union bpf_attr query = {};
  query.info.bpf_fd = static_cast<uint32_t>(fd.get());
  query.info.info_len = sizeof(info);
  query.info.info = reinterpret_cast<uint64_t>(&info);
  if (Bpf(BPF_OBJ_GET_INFO_BY_FD, &query) != 0) {
    return absl::InternalError(absl::StrCat("probe map info: ",
                                            std::strerror(errno)));
  }
  // Kept open by the caller: the read-only one alone keeps the map alive.
  return OpenMapReadOnly(info.id, "the probe map");
}

// Runs the child on `map_fd`; its report, or an error.
absl::StatusOr<ChildReport> RunChild(int map_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  const pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) Child(map_fd, write_end.get());
  write_end.Reset();
  ChildReport report;
  ssize_t n;
  do {
    n = read(read_end.get(), &report, sizeof(report));
  } while (n < 0 && errno == EINTR);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof(report))) {
    return absl::InternalError("the probe's child reported nothing");
  }
  return report;
}

std::string Verdict(const ChildReport& r, const std::string& sysctl) {
  const std::string setting =
      absl::StrCat("kernel.unprivileged_bpf_disabled=", sysctl);
  switch (r.step) {
    case kDone:
      return absl::StrCat(
          "a process without capabilities read a handed-over read-only map "
          "descriptor with bpf() and was refused its update (",
          std::strerror(r.err), "); ", setting);
    case kLookup:
      return absl::StrCat(
          "this kernel refuses bpf() to a process without CAP_BPF or "
          "CAP_SYS_ADMIN while kernel.unprivileged_bpf_disabled is set, even "
          "on a map descriptor it was handed (lookup: ",
          std::strerror(r.err), "; ", setting,
          "): read handles are not usable here");
    case kUpdateAllowed:
      return "a read-only map descriptor accepted an update: read handles "
             "are not handed out on this kernel";
    case kValue:
      return "a lookup through a read-only descriptor read the wrong value";
    default:
      return absl::StrCat("the probe could not drop its capabilities: ",
                          std::strerror(r.err));
  }
}

}  // namespace

std::string UnprivilegedBpfDisabled() {
  std::ifstream in("/proc/sys/kernel/unprivileged_bpf_disabled");
  std::string value;
  if (!(in >> value)) return "unknown";
  return value;
}

HandleProbe Judge(ProbeStep step, int err, const std::string& sysctl) {
  const ChildReport report{static_cast<int>(step), err};
  return {step == ProbeStep::kDone, Verdict(report, sysctl)};
}

absl::Status HandleProbe::Precondition() const {
  if (usable) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("read handles are not usable on this kernel: ", detail));
}

HandleProbe ProbeReadHandles() {
  absl::StatusOr<UniqueFd> map = ProbeMap();
  if (!map.ok()) return {false, std::string(map.status().message())};
  absl::StatusOr<ChildReport> report = RunChild(map->get());
  if (!report.ok()) {
    return {false, absl::StrCat("probe: ", report.status().message())};
  }
  return Judge(static_cast<ProbeStep>(report->step), report->err,
               UnprivilegedBpfDisabled());
}

}  // namespace bpfwarden::handles
