// Running a program to completion, its output captured; as another uid for
// tests of the API's identity checks.
#ifndef BPFWARDEN_TESTS_TESTING_RUN_AS_H_
#define BPFWARDEN_TESTS_TESTING_RUN_AS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

struct Credentials {
  uid_t uid;
  gid_t gid;
  std::vector<gid_t> groups;  // supplementary
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Forks, drops to `creds` (setgroups, setgid, setuid, in that order, and
// checks that root cannot be regained), and execs argv. `argv[0]` must be
// reachable by that uid. Fails if the child does not finish within 30 s.
absl::StatusOr<RunResult> RunAs(const Credentials& creds,
                                const std::vector<std::string>& argv);

// Forks and execs argv as the test's own user; the same result and limit.
absl::StatusOr<RunResult> RunProgram(const std::vector<std::string>& argv);

// Copies the file at `from` to `to` with mode 0755 (e.g. a runfile into a
// directory an unprivileged uid can reach).
absl::Status CopyExecutable(const std::string& from, const std::string& to);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_RUN_AS_H_
