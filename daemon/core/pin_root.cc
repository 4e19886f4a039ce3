#include "daemon/core/pin_root.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden {

absl::Status CreatePinRoot(const std::string& pin_root) {
  std::error_code ec;
  std::filesystem::create_directories(
      std::filesystem::path(pin_root).parent_path(), ec);
  if (::mkdir(pin_root.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, absl::StrCat("create pin root ", pin_root));
  }
  struct statfs fs;
  if (::statfs(pin_root.c_str(), &fs) != 0) {
    return ErrnoStatus(errno, absl::StrCat("statfs ", pin_root));
  }
  if (static_cast<unsigned long>(fs.f_type) != BPF_FS_MAGIC) {
    return absl::FailedPreconditionError(
        absl::StrCat("pin root ", pin_root,
                     " is not on a bpf filesystem; mount one (mount -t bpf bpf "
                     "/sys/fs/bpf)"));
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden
