// Runs a function in a child process inside a cgroup and brings its result
// back: for checks that must happen in the cgroup (socket options of a
// socket opened there) but are asserted in the test.
#ifndef BPFWARDEN_TESTS_TESTING_CGROUP_CALL_H_
#define BPFWARDEN_TESTS_TESTING_CGROUP_CALL_H_

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <type_traits>

#include "absl/status/statusor.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/scoped_cgroup.h"

namespace bpfwarden::testing {

// `body` runs in a forked child moved into `cgroup`; its value travels back
// through a pipe, so T must be trivially copyable (no pointers into the
// child). An error from `body` comes back as the child's failure.
template <typename T>
absl::StatusOr<T> CallInCgroup(const ScopedCgroup& cgroup,
                               const std::function<absl::StatusOr<T>()>& body) {
  static_assert(std::is_trivially_copyable_v<T>);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  absl::Status run = RunInCgroup(cgroup, [&]() -> absl::Status {
    absl::StatusOr<T> value = body();
    if (!value.ok()) return value.status();
    if (::write(write_end.get(), &*value, sizeof(T)) != sizeof(T)) {
      return ErrnoStatus(errno, "report result to the parent");
    }
    return absl::OkStatus();
  });
  if (!run.ok()) return run;
  T result;
  if (::read(read_end.get(), &result, sizeof(T)) != sizeof(T)) {
    return absl::InternalError("child in cgroup reported no result");
  }
  return result;
}

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_CGROUP_CALL_H_
