#include "tests/testing/scoped_temp_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::testing {

absl::StatusOr<ScopedTempDir> ScopedTempDir::Create(const std::string& tag) {
  std::string templ =
      absl::StrCat("/tmp/bpfwarden-", tag, "-", ::getpid(), "-XXXXXX");
  if (::mkdtemp(templ.data()) == nullptr) {
    return ErrnoStatus(errno, absl::StrCat("mkdtemp ", templ));
  }
  ScopedTempDir dir(templ);  // removed again if chmod fails
  if (::chmod(templ.c_str(), 0755) != 0) {
    return ErrnoStatus(errno, absl::StrCat("chmod ", templ));
  }
  return dir;
}

}  // namespace bpfwarden::testing
