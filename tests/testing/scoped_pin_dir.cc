#include "tests/testing/scoped_pin_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "daemon/errno_status.h"

namespace bpfwarden::testing {

absl::StatusOr<ScopedPinDir> ScopedPinDir::Create(const std::string& tag) {
  std::string path =
      absl::StrCat("/sys/fs/bpf/bpfwarden-test-", tag, "-", ::getpid());
  if (::mkdir(path.c_str(), 0700) != 0) {
    return ErrnoStatus(errno, absl::StrCat("mkdir ", path));
  }
  return ScopedPinDir(path);
}

ScopedPinDir::ScopedPinDir(ScopedPinDir&& other) noexcept
    : path_(std::move(other.path_)) {
  other.path_.clear();
}

ScopedPinDir::~ScopedPinDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace bpfwarden::testing
