#include "daemon/maps/map_errors.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden {
namespace {

bool Frozen(int fd) {
  std::ifstream fdinfo(absl::StrCat("/proc/self/fdinfo/", fd));
  std::string line;
  while (std::getline(fdinfo, line)) {
    if (line.rfind("frozen:", 0) == 0) {
      return line.find('1') != std::string::npos;
    }
  }
  return false;
}

// Why the map refuses `access` through `fd`, or "" when it does not.
std::string MapRefusal(int fd, const bpf_map_info& info, MapAccess access) {
  const int mode = fcntl(fd, F_GETFL);
  if (access == MapAccess::kWrite) {
    if (Frozen(fd)) return "the map is frozen: read-only after load";
    if (info.map_flags & BPF_F_RDONLY) {
      return "the map is read-only to user space (BPF_F_RDONLY)";
    }
    if (mode >= 0 && (mode & O_ACCMODE) == O_RDONLY) {
      return "the map was opened read-only";
    }
  } else {
    if (info.map_flags & BPF_F_WRONLY) {
      return "the map is write-only to user space (BPF_F_WRONLY)";
    }
    if (mode >= 0 && (mode & O_ACCMODE) == O_WRONLY) {
      return "the map was opened write-only";
    }
  }
  return "";
}

// Local-storage maps are keyed by an fd of the socket, task, inode or cgroup
// they hang off, so they cannot be listed or read by key through the API.
bool IsLocalStorage(uint32_t type) {
  constexpr uint32_t kCgrpStorage = 32;  // BPF_MAP_TYPE_CGRP_STORAGE, 6.2+
  return type == BPF_MAP_TYPE_SK_STORAGE ||
         type == BPF_MAP_TYPE_INODE_STORAGE ||
         type == BPF_MAP_TYPE_TASK_STORAGE || type == kCgrpStorage;
}

}  // namespace

absl::Status MapErrnoStatus(int err, int fd, const bpf_map_info& info,
                            MapAccess access, absl::string_view op,
                            absl::string_view label) {
  err = std::abs(err);
  const std::string context = absl::StrCat(op, " ", label);
  if (IsLocalStorage(info.type) && err != EPERM && err != EACCES) {
    return absl::FailedPreconditionError(absl::StrCat(
        context,
        ": a local-storage map is keyed by an fd of the socket, task, inode "
        "or cgroup it belongs to; its entries cannot be listed or looked "
        "up by key from outside"));
  }
  if (err == EPERM || err == EACCES) {
    const std::string refusal = MapRefusal(fd, info, access);
    if (!refusal.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(context, ": ", refusal));
    }
    return ErrnoStatus(err, absl::StrCat(context,
                                         " (the daemon lacks the "
                                         "privilege)"));
  }
  if (err == E2BIG && access == MapAccess::kWrite) {
    return ErrnoStatus(err, absl::StrCat(context, ": the map is full (",
                                         info.max_entries, " entries)"));
  }
  return ErrnoStatus(err, context);
}

}  // namespace bpfwarden
