#include "tests/testing/daemon_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "tests/testing/files.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

size_t Occurrences(const std::string& text, const std::string& line) {
  size_t n = 0;
  for (size_t at = text.find(line); at != std::string::npos;
       at = text.find(line, at + 1)) {
    ++n;
  }
  return n;
}

std::string EnvName(const std::string& entry) {
  return entry.substr(0, entry.find('='));
}

// The test's environment with `spawn.env` applied and, with listen fds, the
// LISTEN_* variables; LISTEN_PID's digits are left to the child.
std::vector<std::string> ChildEnvironment(const SpawnOptions& spawn) {
  std::vector<std::string> added = spawn.env;
  if (!spawn.listen_fds.empty()) {
    added.push_back(absl::StrCat("LISTEN_FDS=", spawn.listen_fds.size()));
    added.push_back("LISTEN_PID=" + std::string(20, '\0'));
  }
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string name = EnvName(*e);
    bool replaced = name == "LISTEN_FDNAMES" && !spawn.listen_fds.empty();
    for (const std::string& a : added) replaced |= EnvName(a) == name;
    if (!replaced) env.push_back(*e);
  }
  env.insert(env.end(), added.begin(), added.end());
  return env;
}

// In the child after fork (async-signal-safe only): writes `pid` as
// decimal at `out`, which has room for it.
void WriteDecimal(pid_t pid, char* out) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid > 0);
  while (n > 0) *out++ = digits[--n];
  *out = '\0';
}

// In the child: moves `fds` to 3, 4, ... (through high numbers first, so no
// source is overwritten before it is moved), without close-on-exec.
void PassListenFds(const std::vector<int>& fds) {
  int high[16];
  for (size_t i = 0; i < fds.size() && i < 16; ++i) {
    high[i] = ::fcntl(fds[i], F_DUPFD_CLOEXEC, 100);
  }
  for (size_t i = 0; i < fds.size() && i < 16; ++i) {
    ::dup2(high[i], 3 + static_cast<int>(i));
    ::close(high[i]);
  }
}

}  // namespace

absl::StatusOr<DaemonProcess> DaemonProcess::Start(
    const std::vector<std::string>& args, const std::string& log_path,
    const SpawnOptions& spawn) {
  if (spawn.listen_fds.size() > 16) {
    return absl::InvalidArgumentError("at most 16 listen fds");
  }
  std::vector<std::string> env_text = ChildEnvironment(spawn);
  std::vector<char*> envp;
  char* pid_slot = nullptr;
  for (std::string& entry : env_text) {
    envp.push_back(entry.data());
    if (!spawn.listen_fds.empty() && EnvName(entry) == "LISTEN_PID") {
      pid_slot = entry.data() + sizeof("LISTEN_PID=") - 1;
    }
  }
  envp.push_back(nullptr);
  std::vector<std::string> argv_text = {Runfile("daemon/bpfwardend")};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const int log_fd =
      ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return ErrnoStatus(errno, absl::StrCat("open ", log_path));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(log_fd);
    return ErrnoStatus(err, "fork");
  }
  if (pid == 0) {
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    // Stops with the test, whatever happens to it.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    // The test's signal mask must not leak into the daemon.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (pid_slot != nullptr) {
      PassListenFds(spawn.listen_fds);
      WriteDecimal(::getpid(), pid_slot);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return DaemonProcess(pid, log_path);
}

DaemonProcess::DaemonProcess(DaemonProcess&& other) noexcept
    : pid_(other.pid_), log_path_(std::move(other.log_path_)) {
  other.pid_ = -1;
}

DaemonProcess::~DaemonProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status;
  ::waitpid(pid_, &status, 0);
}

absl::Status DaemonProcess::Signal(int sig) const {
  if (pid_ <= 0) return absl::FailedPreconditionError("daemon not running");
  if (::kill(pid_, sig) != 0) {
    return ErrnoStatus(errno, absl::StrCat("kill(", pid_, ", ", sig, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<int>> DaemonProcess::TryWait() {
  if (pid_ <= 0) return absl::FailedPreconditionError("daemon not running");
  int status = 0;
  const pid_t got = ::waitpid(pid_, &status, WNOHANG);
  if (got < 0) return ErrnoStatus(errno, absl::StrCat("waitpid ", pid_));
  if (got == 0) return std::nullopt;
  pid_ = -1;
  return status;
}

absl::StatusOr<int> DaemonProcess::Wait(double seconds) {
  absl::StatusOr<std::optional<int>> exited = std::nullopt;
  WaitFor(
      [&] {
        exited = TryWait();
        return !exited.ok() || exited->has_value();
      },
      seconds);
  if (!exited.ok()) return exited.status();
  if (!exited->has_value()) {
    return absl::DeadlineExceededError(
        absl::StrCat("bpfwardend did not exit within ", seconds, " s"));
  }
  return **exited;
}

absl::StatusOr<int> DaemonProcess::Stop(double seconds) {
  if (pid_ <= 0) return 0;
  if (absl::Status s = Signal(SIGTERM); !s.ok()) return s;
  absl::StatusOr<int> status = Wait(seconds);
  if (!status.ok()) {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int ignored;
      ::waitpid(pid_, &ignored, 0);
      pid_ = -1;
    }
    return status.status();
  }
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

absl::Status DaemonProcess::SignalAndAwaitLog(int sig, const std::string& line,
                                              double seconds) {
  const size_t before = Occurrences(Log(), line);
  if (absl::Status s = Signal(sig); !s.ok()) return s;
  if (WaitFor([&] { return Occurrences(Log(), line) > before; }, seconds)) {
    return absl::OkStatus();
  }
  return absl::DeadlineExceededError(
      absl::StrCat("no \"", line, "\" after signal ", sig, "; log:\n", Log()));
}

std::string DaemonProcess::Log() const { return ReadFile(log_path_); }

}  // namespace bpfwarden::testing
