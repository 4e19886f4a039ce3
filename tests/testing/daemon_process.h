// bpfwardend run by a test as a child process.
#ifndef BPFWARDEN_TESTS_TESTING_DAEMON_PROCESS_H_
#define BPFWARDEN_TESTS_TESTING_DAEMON_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace bpfwarden::testing {

// bpfwardend (from the runfiles) as a child process: its stdout and stderr
// appended to a log file, the default signal mask, SIGTERM when the test
// dies. The destructor SIGKILLs and reaps it if it still runs.
// What the child gets besides its flags.
struct SpawnOptions {
  // "NAME=value" entries added to (or replacing in) the test's environment.
  std::vector<std::string> env;
  // Passed as fds 3, 4, ... the way systemd passes sockets: LISTEN_FDS=<n>
  // and LISTEN_PID=<the child's pid>. The test keeps its own copies.
  std::vector<int> listen_fds;
};

class DaemonProcess {
 public:
  // Forks and execs bpfwardend with `args` (flags, not the binary).
  static absl::StatusOr<DaemonProcess> Start(
      const std::vector<std::string>& args, const std::string& log_path,
      const SpawnOptions& spawn = {});
  DaemonProcess(DaemonProcess&& other) noexcept;
  DaemonProcess& operator=(DaemonProcess&&) = delete;
  DaemonProcess(const DaemonProcess&) = delete;
  ~DaemonProcess();

  absl::Status Signal(int sig) const;
  // Reaps the daemon if it has exited: its raw waitpid status, or nullopt
  // while it still runs.
  absl::StatusOr<std::optional<int>> TryWait();
  // Waits up to `seconds` for it to exit; the raw waitpid status.
  absl::StatusOr<int> Wait(double seconds = 20);
  // SIGTERM, then waits up to `seconds`: the exit code, 128 + the signal if
  // a signal ended it, 0 if it was not running. SIGKILLs it and fails if it
  // does not exit in time.
  absl::StatusOr<int> Stop(double seconds = 30);
  // Sends `sig` and waits up to `seconds` until the log shows `line` once
  // more than before.
  absl::Status SignalAndAwaitLog(int sig, const std::string& line,
                                 double seconds = 20);

  pid_t pid() const { return pid_; }
  std::string Log() const;

 private:
  DaemonProcess(pid_t pid, std::string log_path)
      : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_ = -1;
  std::string log_path_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_DAEMON_PROCESS_H_
