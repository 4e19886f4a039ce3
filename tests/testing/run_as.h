// Running a program to completion, its output captured; as another uid for
// tests of the API's identity checks.
#ifndef BPFWARDEN_TESTS_TESTING_RUN_AS_H_
#define BPFWARDEN_TESTS_TESTING_RUN_AS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
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

// A program started the way RunAs and RunProgram start it, left running:
// its output read while it runs, then signalled or awaited. The destructor
// SIGKILLs and reaps it if it still runs, and removes its output files.
class RunningProgram {
 public:
  // `creds` nullopt: as the test's own user.
  static absl::StatusOr<RunningProgram> Start(
      const std::optional<Credentials>& creds,
      const std::vector<std::string>& argv);
  RunningProgram(RunningProgram&& other) noexcept;
  RunningProgram& operator=(RunningProgram&&) = delete;
  RunningProgram(const RunningProgram&) = delete;
  ~RunningProgram();

  // Its stdout and stderr so far.
  std::string Out() const;
  std::string Err() const;
  absl::Status Signal(int sig) const;
  // Waits up to `seconds` for it to exit; after that SIGKILLs it and fails.
  absl::StatusOr<RunResult> Finish(double seconds = 30);

 private:
  RunningProgram(pid_t pid, std::string name, std::string out_path,
                 std::string err_path)
      : pid_(pid),
        name_(std::move(name)),
        out_path_(std::move(out_path)),
        err_path_(std::move(err_path)) {}
  pid_t pid_ = -1;
  std::string name_;
  std::string out_path_;
  std::string err_path_;
};

// Copies the file at `from` to `to` with mode 0755 (e.g. a runfile into a
// directory an unprivileged uid can reach).
absl::Status CopyExecutable(const std::string& from, const std::string& to);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_RUN_AS_H_
