#include "tests/testing/scoped_cgroup.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/core/cgroup.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {

absl::StatusOr<ScopedCgroup> ScopedCgroup::Create(const std::string& tag) {
  absl::StatusOr<std::string> root = FindCgroup2Mount();
  if (!root.ok()) return root.status();
  std::string path =
      absl::StrCat(*root, "/bpfwarden-test-", tag, "-", ::getpid());
  if (::mkdir(path.c_str(), 0755) != 0) {
    return ErrnoStatus(errno, absl::StrCat("mkdir ", path));
  }
  absl::StatusOr<uint64_t> id = CgroupId(path);
  if (!id.ok()) {
    ::rmdir(path.c_str());
    return id.status();
  }
  return ScopedCgroup(path, *id);
}

ScopedCgroup::ScopedCgroup(ScopedCgroup&& other) noexcept
    : path_(std::move(other.path_)), id_(other.id_) {
  other.path_.clear();
}

absl::Status ScopedCgroup::Enter(pid_t pid) const {
  std::ofstream procs(path_ + "/cgroup.procs");
  procs << pid << std::flush;
  if (!procs) {
    return absl::InternalError(
        absl::StrCat("cannot move pid ", pid, " into ", path_));
  }
  return absl::OkStatus();
}

ScopedCgroup::~ScopedCgroup() {
  if (path_.empty()) return;
  // cgroup.kill (5.14+) ends everything inside; rmdir then waits for the
  // cgroup to empty, which takes a moment after the kill.
  {
    std::ofstream kill(path_ + "/cgroup.kill");
    kill << "1" << std::flush;
  }
  WaitFor([&] { return ::rmdir(path_.c_str()) == 0 || errno == ENOENT; }, 10,
          10);
}

}  // namespace bpfwarden::testing
