#include "tests/core/core_testing.h"

#include <bpf/bpf.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/cgroup_link.h"
#include "daemon/errno_status.h"
#include "daemon/names.h"
#include "gtest/gtest.h"

namespace bpfwarden::testing {

std::string Runfile(const std::string& path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir ? srcdir : ".", "/",
                      workspace ? workspace : "bpfwarden", "/", path);
}

std::string TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(base ? base : "/tmp", "/", tag, "-",
                                 ::getpid(), "-", counter++);
  std::filesystem::create_directories(dir);
  return dir;
}

std::vector<std::string> AttachedAnyType(const std::string& cgroup) {
  std::vector<std::string> out;
  absl::StatusOr<std::vector<CgroupProgram>> programs = QueryCgroup(cgroup);
  if (!programs.ok()) {
    out.push_back(absl::StrCat("query failed: ", programs.status().ToString()));
    return out;
  }
  for (const CgroupProgram& p : *programs) {
    out.push_back(absl::StrCat(AttachTypeName(p.type), ":", p.program_id, ":",
                               p.program_name));
  }
  return out;
}

std::vector<std::string> PinsUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!e.is_directory()) out.push_back(e.path().string());
  }
  return out;
}

absl::StatusOr<probe_value> ReadProbe(int map_fd) {
  uint32_t zero = 0;
  probe_value value{};
  if (bpf_map_lookup_elem(map_fd, &zero, &value) != 0) {
    return ErrnoStatus(errno, "lookup probe[0]");
  }
  return value;
}

bool WaitFor(const std::function<bool()>& done, double seconds) {
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<TestScope> TestScope::Create(const std::string& prefix) {
  std::string tag = absl::StrCat(
      prefix, "-",
      ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::transform(tag.begin(), tag.end(), tag.begin(), ::tolower);
  absl::StatusOr<ScopedPinDir> pins = ScopedPinDir::Create(tag);
  if (!pins.ok()) return pins.status();
  absl::StatusOr<ScopedCgroup> cgroup = ScopedCgroup::Create(tag);
  if (!cgroup.ok()) return cgroup.status();
  return TestScope(*std::move(pins), *std::move(cgroup));
}

TestScope::TestScope(ScopedPinDir pins, ScopedCgroup cgroup) {
  pins_.emplace(std::move(pins));
  cgroup_.emplace(std::move(cgroup));
}

std::vector<std::string> TestScope::Finish() {
  std::vector<std::string> residue;
  if (cgroup_) {
    for (const std::string& p : AttachedAnyType(cgroup_->path())) {
      residue.push_back("attached: " + p);
    }
    const std::string path = cgroup_->path();
    cgroup_.reset();
    if (std::filesystem::exists(path)) residue.push_back("cgroup: " + path);
  }
  if (pins_) {
    const std::string path = pins_->path();
    pins_.reset();
    if (std::filesystem::exists(path)) residue.push_back("pin dir: " + path);
  }
  return residue;
}

absl::StatusOr<DaemonProcess> DaemonProcess::Start(
    const std::vector<std::string>& args, const std::string& log_path) {
  const std::string binary = Runfile("daemon/bpfwardend");
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) ::dup2(log, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // The test's signal mask must not leak into the daemon.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
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
  if (pid_ <= 0 || ::kill(pid_, sig) != 0) return ErrnoStatus(errno, "kill");
  return absl::OkStatus();
}

absl::StatusOr<int> DaemonProcess::Wait(double seconds) {
  int status = 0;
  pid_t got = 0;
  const bool exited = WaitFor(
      [&] {
        got = ::waitpid(pid_, &status, WNOHANG);
        return got != 0;
      },
      seconds);
  if (!exited) return absl::DeadlineExceededError("daemon did not exit");
  if (got < 0) return ErrnoStatus(errno, "waitpid");
  pid_ = -1;
  return status;
}

}  // namespace bpfwarden::testing
