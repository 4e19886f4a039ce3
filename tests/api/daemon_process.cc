#include "tests/api/daemon_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/errno_status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "proto/api.grpc.pb.h"

namespace bpfwarden::testing {
namespace {

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("rename ", tmp));
  }
  return absl::OkStatus();
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<ScopedTempDir> ScopedTempDir::Create(const std::string& tag) {
  std::string templ =
      absl::StrCat("/tmp/bpfwarden-", tag, "-", getpid(), "-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return ErrnoStatus(errno, absl::StrCat("mkdtemp ", templ));
  }
  if (chmod(templ.c_str(), 0755) != 0) {
    return ErrnoStatus(errno, absl::StrCat("chmod ", templ));
  }
  return ScopedTempDir(templ);
}

ScopedTempDir::~ScopedTempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string Runfile(const std::string& path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir ? srcdir : ".", "/",
                      workspace ? workspace : "bpfwarden", "/", path);
}

absl::StatusOr<std::unique_ptr<DaemonProcess>> DaemonProcess::Start(
    DaemonOptions options) {
  std::string config_dir = options.work_dir + "/config";
  std::string state_dir = options.work_dir + "/state";
  for (const std::string& dir : {config_dir, state_dir}) {
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, absl::StrCat("mkdir ", dir));
    }
  }
  if (absl::Status s =
          WriteFile(config_dir + "/10-test.textproto", options.config);
      !s.ok()) {
    return s;
  }
  std::string socket_path = options.work_dir + "/api.sock";
  std::string log_path = options.work_dir + "/daemon.log";
  std::vector<std::string> args = {
      Runfile("daemon/bpfwardend"),
      absl::StrCat("--pin_root=", options.pin_root),
      absl::StrCat("--config_dir=", config_dir),
      absl::StrCat("--state_dir=", state_dir),
      absl::StrCat("--api_socket=", socket_path),
      absl::StrCat("--api_socket_group=", options.socket_group),
  };
  args.insert(args.end(), options.extra_flags.begin(),
              options.extra_flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int log_fd =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return ErrnoStatus(errno, absl::StrCat("open ", log_path));
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return ErrnoStatus(errno, "fork");
  }
  if (pid == 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    // Stops with the test, whatever happens to it.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  std::unique_ptr<DaemonProcess> daemon(
      new DaemonProcess(std::move(options), socket_path, pid));
  if (absl::Status s = daemon->WaitUntilServing(); !s.ok()) {
    std::string log = daemon->Log();
    daemon->Stop().IgnoreError();
    return absl::Status(
        s.code(), absl::StrCat(s.message(), "\n--- daemon log ---\n", log));
  }
  return daemon;
}

DaemonProcess::~DaemonProcess() { Stop().IgnoreError(); }

std::shared_ptr<grpc::Channel> DaemonProcess::Channel() const {
  return grpc::CreateChannel(absl::StrCat("unix:", socket_path_),
                             grpc::InsecureChannelCredentials());
}

absl::Status DaemonProcess::WaitUntilServing() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(absl::StrCat(
          "bpfwardend exited during start-up (status ", status, ")"));
    }
    if (access(socket_path_.c_str(), F_OK) == 0) {
      auto stub = v1::Daemon::NewStub(Channel());
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
      v1::StatusResponse resp;
      if (stub->Status(&ctx, v1::StatusRequest(), &resp).ok()) {
        return absl::OkStatus();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::DeadlineExceededError("bpfwardend did not serve within 30 s");
}

absl::Status DaemonProcess::Reload(const std::string& config,
                                   const std::string& wait_for) {
  if (absl::Status s = WriteFile(config_dir() + "/10-test.textproto", config);
      !s.ok()) {
    return s;
  }
  auto count = [this, &wait_for] {
    std::string log = Log();
    size_t n = 0;
    for (size_t at = log.find(wait_for); at != std::string::npos;
         at = log.find(wait_for, at + 1)) {
      ++n;
    }
    return n;
  };
  size_t before = count();
  if (kill(pid_, SIGHUP) != 0) return ErrnoStatus(errno, "kill(SIGHUP)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (count() > before) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("no \"", wait_for, "\" after SIGHUP; log:\n", Log()));
}

absl::StatusOr<int> DaemonProcess::Stop() {
  if (pid_ <= 0) return 0;
  kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return absl::DeadlineExceededError("bpfwardend ignored SIGTERM for 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string DaemonProcess::Log() const {
  return ReadFileOrEmpty(options_.work_dir + "/daemon.log");
}

}  // namespace bpfwarden::testing
