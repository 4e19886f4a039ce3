#include "daemon/maps/map_errors.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/errno_status.h"

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
    if (Frozen(fd)) return "the map is frozen";
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

}  // namespace

absl::Status MapErrnoStatus(int err, int fd, const bpf_map_info& info,
                            MapAccess access, absl::string_view op,
                            absl::string_view label) {
  err = std::abs(err);
  const std::string context = absl::StrCat(op, " ", label);
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
