#include "tests/testing/scoped_pin_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::testing {

absl::StatusOr<ScopedPinDir> ScopedPinDir::Create(const std::string& tag) {
  std::string path =
      absl::StrCat("/sys/fs/bpf/bpfwarden-test-", tag, "-", ::getpid());
  if (::mkdir(path.c_str(), 0700) != 0) {
    return ErrnoStatus(errno, absl::StrCat("mkdir ", path));
  }
  return ScopedPinDir(path);
}

}  // namespace bpfwarden::testing
