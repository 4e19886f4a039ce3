// Helpers for the daemon core's kernel tests: runfiles, residue checks, the
// probe map, and bpfwardend as a subprocess.
#ifndef BPFWARDEN_TESTS_CORE_CORE_TESTING_H_
#define BPFWARDEN_TESTS_CORE_CORE_TESTING_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/core/probe.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"

namespace bpfwarden::testing {

// A file of the test's runfiles, e.g. "tests/core/probe_prog.bpf.o".
std::string Runfile(const std::string& path);

// A fresh directory under $TEST_TMPDIR.
std::string TempDir(const std::string& tag);

// Every program attached directly to `cgroup`, any cgroup attach type, as
// "type:id" strings (empty when nothing is attached).
std::vector<std::string> AttachedAnyType(const std::string& cgroup);

// Every non-directory entry below `dir`, recursively (pins).
std::vector<std::string> PinsUnder(const std::string& dir);

// The probe map's only value.
absl::StatusOr<probe_value> ReadProbe(int map_fd);

// Polls `done` every 20 ms for up to `seconds`.
bool WaitFor(const std::function<bool()>& done, double seconds = 10);

// Writes `text` to `path`.
void WriteFile(const std::string& path, const std::string& text);
std::string ReadFile(const std::string& path);

// The pin directory and cgroup of the running test, named after it, and the
// residue check at its end.
class TestScope {
 public:
  // `prefix` keeps names apart between test binaries.
  static absl::StatusOr<TestScope> Create(const std::string& prefix);

  const ScopedPinDir& pins() const { return *pins_; }
  const ScopedCgroup& cgroup() const { return *cgroup_; }

  // Removes both and returns the residue: programs still attached to the
  // cgroup before its removal, and the paths that still exist after.
  std::vector<std::string> Finish();

 private:
  TestScope(ScopedPinDir pins, ScopedCgroup cgroup);
  std::optional<ScopedPinDir> pins_;
  std::optional<ScopedCgroup> cgroup_;
};

// bpfwardend run as a child process; its stderr goes to a log file. The
// destructor SIGKILLs it if it still runs.
class DaemonProcess {
 public:
  static absl::StatusOr<DaemonProcess> Start(
      const std::vector<std::string>& args, const std::string& log_path);
  DaemonProcess(DaemonProcess&& other) noexcept;
  DaemonProcess(const DaemonProcess&) = delete;
  ~DaemonProcess();

  absl::Status Signal(int sig) const;
  // Waits for exit; returns the raw waitpid status.
  absl::StatusOr<int> Wait(double seconds = 20);
  pid_t pid() const { return pid_; }
  std::string Log() const { return ReadFile(log_path_); }

 private:
  DaemonProcess(pid_t pid, std::string log) : pid_(pid), log_path_(log) {}
  pid_t pid_ = -1;
  std::string log_path_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_CORE_CORE_TESTING_H_
