#include "tests/api/run_as.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "daemon/errno_status.h"

namespace bpfwarden::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
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
  char out_path[] = "/tmp/bpfwarden-runas-out-XXXXXX";
  char err_path[] = "/tmp/bpfwarden-runas-err-XXXXXX";
  int out_fd = mkstemp(out_path);
  int err_fd = mkstemp(err_path);
  if (out_fd < 0 || err_fd < 0) return ErrnoStatus(errno, "mkstemp");
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (std::string& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    if (setgroups(creds.groups.size(), creds.groups.data()) != 0 ||
        setgid(creds.gid) != 0 || setuid(creds.uid) != 0) {
      perror("run_as: dropping privileges");
      _exit(125);
    }
    if (creds.uid != 0 && setuid(0) == 0) {
      fprintf(stderr, "run_as: root could be regained\n");
      _exit(126);
    }
    execv(cargv[0], cargv.data());
    perror("run_as: exec");
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      unlink(out_path);
      unlink(err_path);
      return absl::DeadlineExceededError(
          absl::StrCat(argv[0], " did not finish within 30 s"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  unlink(out_path);
  unlink(err_path);
  return result;
}

}  // namespace bpfwarden::testing
