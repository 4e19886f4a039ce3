#include "tests/testing/run_as.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "tests/testing/files.h"
#include "tests/testing/wait_for.h"
#include "tests/testing/time_scale.h"

namespace bpfwarden::testing {
namespace {

// In the child: drops to `creds` when set, then execs; never returns.
[[noreturn]] void BecomeAndExec(const std::optional<Credentials>& creds,
                                std::vector<char*>& cargv) {
  if (creds.has_value()) {
    if (setgroups(creds->groups.size(), creds->groups.data()) != 0 ||
        setgid(creds->gid) != 0 || setuid(creds->uid) != 0) {
      perror("run_as: dropping privileges");
      _exit(125);
    }
    if (creds->uid != 0 && setuid(0) == 0) {
      fprintf(stderr, "run_as: root could be regained\n");
      _exit(126);
    }
  }
  execv(cargv[0], cargv.data());
  perror("run_as: exec");
  _exit(127);
}

}  // namespace

// Runs argv with stdout and stderr in temporary files, as `creds` when set.
absl::StatusOr<RunningProgram> RunningProgram::Start(
    const std::optional<Credentials>& creds,
    const std::vector<std::string>& argv) {
  char out_path[] = "/tmp/bpfwarden-runas-out-XXXXXX";
  char err_path[] = "/tmp/bpfwarden-runas-err-XXXXXX";
  int out_fd = mkstemp(out_path);
  if (out_fd < 0) return ErrnoStatus(errno, "mkstemp");
  int err_fd = mkstemp(err_path);
  if (err_fd < 0) {
    const int err = errno;
    close(out_fd);
    unlink(out_path);
    return ErrnoStatus(err, "mkstemp");
  }
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (std::string& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    BecomeAndExec(creds, cargv);
  }
  const int fork_errno = errno;
  close(out_fd);
  close(err_fd);
  if (pid < 0) {
    unlink(out_path);
    unlink(err_path);
    return ErrnoStatus(fork_errno, "fork");
  }
  return RunningProgram(pid, argv[0], out_path, err_path);
}

RunningProgram::RunningProgram(RunningProgram&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      name_(std::move(other.name_)),
      out_path_(std::exchange(other.out_path_, "")),
      err_path_(std::exchange(other.err_path_, "")) {}

RunningProgram::~RunningProgram() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (!out_path_.empty()) unlink(out_path_.c_str());
  if (!err_path_.empty()) unlink(err_path_.c_str());
}

std::string RunningProgram::Out() const { return ReadFile(out_path_); }
std::string RunningProgram::Err() const { return ReadFile(err_path_); }

absl::Status RunningProgram::Signal(int sig) const {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  if (kill(pid_, sig) != 0) {
    return ErrnoStatus(errno, absl::StrCat("kill ", pid_));
  }
  return absl::OkStatus();
}

absl::StatusOr<RunResult> RunningProgram::Finish(double seconds) {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  int status = 0;
  pid_t got = 0;
  int wait_errno = 0;
  const bool exited = WaitFor(
      [&] {
        got = waitpid(pid_, &status, WNOHANG);
        if (got < 0) wait_errno = errno;
        return got == pid_ || (got < 0 && wait_errno != EINTR);
      },
      Scaled(seconds), 10);
  if (exited && got < 0) {
    return ErrnoStatus(wait_errno, absl::StrCat("waitpid ", pid_));
  }
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return absl::DeadlineExceededError(
        absl::StrCat(name_, " did not finish within ", Scaled(seconds),
                     " s"));
  }
  pid_ = -1;
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = Out();
  result.err = Err();
  return result;
}

absl::Status CopyExecutable(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::copy_file(
      from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("copy ", from, " to ", to, ": ", ec.message()));
  }
  if (chmod(to.c_str(), 0755) != 0) {
    return ErrnoStatus(errno, absl::StrCat("chmod ", to));
  }
  return absl::OkStatus();
}

absl::StatusOr<RunResult> RunAs(const Credentials& creds,
                                const std::vector<std::string>& argv) {
  absl::StatusOr<RunningProgram> p = RunningProgram::Start(creds, argv);
  if (!p.ok()) return p.status();
  return p->Finish();
}

absl::StatusOr<RunResult> RunProgram(const std::vector<std::string>& argv) {
  absl::StatusOr<RunningProgram> p = RunningProgram::Start(std::nullopt, argv);
  if (!p.ok()) return p.status();
  return p->Finish();
}

}  // namespace bpfwarden::testing
