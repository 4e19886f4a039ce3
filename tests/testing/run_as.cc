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
#include <optional>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "tests/testing/files.h"
#include "tests/testing/wait_for.h"
#include "tests/testing/time_scale.h"

namespace bpfwarden::testing {
namespace {

constexpr double kRunSeconds = 30;

// Runs argv with stdout and stderr in temporary files, as `creds` when set.
absl::StatusOr<RunResult> RunChild(const std::optional<Credentials>& creds,
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
  auto cleanup = [&] {
    unlink(out_path);
    unlink(err_path);
  };
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (std::string& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(out_fd);
    close(err_fd);
    cleanup();
    return ErrnoStatus(err, "fork");
  }
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
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
  close(out_fd);
  close(err_fd);
  int status = 0;
  pid_t got = 0;
  int wait_errno = 0;
  const bool exited = WaitFor(
      [&] {
        got = waitpid(pid, &status, WNOHANG);
        if (got < 0) wait_errno = errno;
        return got == pid || (got < 0 && wait_errno != EINTR);
      },
      Scaled(kRunSeconds), 10);
  if (exited && got < 0) {
    cleanup();
    return ErrnoStatus(wait_errno, absl::StrCat("waitpid ", pid));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    cleanup();
    return absl::DeadlineExceededError(
        absl::StrCat(argv[0], " did not finish within ",
                     Scaled(kRunSeconds), " s"));
  }
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  cleanup();
  return result;
}

}  // namespace

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
  return RunChild(creds, argv);
}

absl::StatusOr<RunResult> RunProgram(const std::vector<std::string>& argv) {
  return RunChild(std::nullopt, argv);
}

}  // namespace bpfwarden::testing
