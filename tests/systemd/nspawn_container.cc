#include "tests/systemd/nspawn_container.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "daemon/base/errno_status.h"
#include "tests/testing/files.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/test_scope.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

constexpr char kNspawn[] = "/usr/bin/systemd-nspawn";

// The mount point of the named v1 hierarchy "name=systemd".
absl::StatusOr<std::string> NameSystemdMount() {
  std::ifstream mounts("/proc/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    if (f.size() < 4 || f[2] != "cgroup") continue;
    for (absl::string_view opt : absl::StrSplit(f[3], ',')) {
      if (opt == "name=systemd") return f[1];
    }
  }
  return absl::FailedPreconditionError(
      "no name=systemd cgroup hierarchy in /proc/mounts: the container "
      "could not be confined in it");
}

bool IsSystemd(pid_t pid) {
  std::error_code ec;
  const auto exe =
      std::filesystem::read_symlink(absl::StrCat("/proc/", pid, "/exe"), ec);
  return !ec && exe.filename() == "systemd";
}

// Every directory below (and including) `root`, deepest first.
std::vector<std::string> TreeDeepestFirst(const std::string& root) {
  std::vector<std::string> dirs;
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return dirs;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      dirs.push_back(it->path().string());
    }
  }
  std::sort(dirs.begin(), dirs.end(),
            [](const std::string& a, const std::string& b) {
              return a.size() > b.size();
            });
  dirs.push_back(root);
  return dirs;
}

// rmdir of every cgroup in the tree, retried while they empty out; the
// paths that remain.
std::vector<std::string> RemoveTree(const std::string& root) {
  std::vector<std::string> left;
  if (root.empty()) return left;
  WaitFor(
      [&] {
        left.clear();
        for (const std::string& dir : TreeDeepestFirst(root)) {
          if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
            left.push_back(dir);
          }
        }
        return left.empty();
      },
      10, 50);
  return left;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NspawnContainer>> NspawnContainer::Boot(
    const NspawnOptions& options) {
  if (::access(kNspawn, X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        kNspawn, " is missing: install systemd-container (tools/setup)"));
  }
  absl::StatusOr<std::string> v1 = NameSystemdMount();
  if (!v1.ok()) return v1.status();
  std::unique_ptr<NspawnContainer> c(new NspawnContainer());
  c->name_ = absl::StrCat("bpfwt", ::getpid());
  c->cgroup2_dir_ = options.cgroup2_parent + "/nspawn";
  // The same path in name=systemd as in cgroup v2: nspawn keeps the two
  // hierarchies in step, so it would create it there anyway.
  const std::string mount2 = Cgroup2Mount();
  if (!absl::StartsWith(options.cgroup2_parent, mount2 + "/")) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.cgroup2_parent, " is not below the cgroup v2 mount ", mount2));
  }
  c->systemd_dir_ =
      *v1 + options.cgroup2_parent.substr(mount2.size());  // test-owned
  c->payload_ = c->cgroup2_dir_ + "/payload";
  for (const std::string& dir :
       {c->cgroup2_dir_, c->systemd_dir_, c->systemd_dir_ + "/nspawn"}) {
    if (::mkdir(dir.c_str(), 0755) != 0) {
      return ErrnoStatus(errno, absl::StrCat("mkdir ", dir));
    }
  }
  const std::vector<std::string> args = {
      kNspawn,
      "-D",
      "/",
      "--volatile=yes",
      "--register=no",
      "--keep-unit",
      "-b",
      "--capability=all",
      "--system-call-filter=bpf perf_event_open",
      absl::StrCat("--bind=", options.bpffs_dir, ":/sys/fs/bpf"),
      "-M",
      c->name_,
      "systemd.firstboot=off"};
  const std::string procs2 = c->cgroup2_dir_ + "/cgroup.procs";
  const std::string procs1 = c->systemd_dir_ + "/nspawn/cgroup.procs";
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    // In the test's cgroups before nspawn starts: its container lives below.
    for (const std::string& procs : {procs2, procs1}) {
      const int fd = ::open(procs.c_str(), O_WRONLY);
      if (fd < 0 || ::write(fd, "0", 1) != 1) ::_exit(126);
      ::close(fd);
    }
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // nspawn powers the container off
    const int log = ::open(options.log_path.c_str(),
                           O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int null = ::open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) ::_exit(126);
    ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::setsid();
    std::vector<char*> argv;
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kNspawn, argv.data());
    ::_exit(127);
  }
  c->nspawn_ = pid;
  if (absl::Status s = c->WaitForBoot(); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(s.message(), "; nspawn said: ",
                                               ReadFile(options.log_path)));
  }
  return c;
}

absl::Status NspawnContainer::WaitForBoot() {
  const bool found = WaitFor(
      [&] {
        int status = 0;
        if (::waitpid(nspawn_, &status, WNOHANG) == nspawn_) {
          nspawn_ = -1;
          return true;
        }
        for (const std::string& procs : {payload_ + "/init.scope/cgroup.procs",
                                         payload_ + "/cgroup.procs"}) {
          std::string first(absl::StripAsciiWhitespace(ReadFile(procs)));
          first = first.substr(0, first.find('\n'));
          // nspawn's inner child until it execs systemd: wait for that.
          if (int pid = 0;
              absl::SimpleAtoi(first, &pid) && pid > 0 && IsSystemd(pid)) {
            leader_ = pid;
            return true;
          }
        }
        return false;
      },
      30, 50);
  if (nspawn_ < 0) return absl::InternalError("systemd-nspawn exited at once");
  if (!found) return absl::DeadlineExceededError("no container PID 1 in 30 s");
  // "offline" until its bus answers; then blocks until the boot is
  // finished: "running" or "degraded".
  std::string state;
  const bool booted = WaitFor(
      [&] {
        absl::StatusOr<RunResult> r =
            Exec({"systemctl", "is-system-running", "--wait"});
        state = r.ok() ? absl::StrCat(r->out, r->err) : r.status().ToString();
        return absl::StartsWith(state, "running") ||
               absl::StartsWith(state, "degraded");
      },
      60, 200);
  if (!booted) {
    return absl::InternalError(absl::StrCat(
        "the container's systemd did not finish booting: ", state));
  }
  return absl::OkStatus();
}

absl::StatusOr<RunResult> NspawnContainer::Exec(
    const std::vector<std::string>& argv) const {
  std::vector<std::string> full = {"/usr/bin/nsenter", "-t",
                                   absl::StrCat(leader_), "-a"};
  full.insert(full.end(), argv.begin(), argv.end());
  return RunProgram(full);
}

absl::StatusOr<std::string> NspawnContainer::Check(
    const std::vector<std::string>& argv) const {
  absl::StatusOr<RunResult> r = Exec(argv);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("in the container, `", absl::StrJoin(argv, " "),
                     "` exited ", r->exit_code, ": ", r->err, r->out));
  }
  return r->out;
}

std::string NspawnContainer::UnitProperty(const std::string& unit,
                                          const std::string& name) const {
  absl::StatusOr<RunResult> r =
      Exec({"systemctl", "show", "-p", name, "--value", unit});
  if (!r.ok()) return absl::StrCat("<", r.status().ToString(), ">");
  return std::string(absl::StripAsciiWhitespace(r->out));
}

std::string NspawnContainer::HostPath(const std::string& container_path) const {
  return absl::StrCat("/proc/", leader_, "/root", container_path);
}

std::vector<std::string> NspawnContainer::PowerOff() {
  std::vector<std::string> residue;
  if (off_) return residue;
  off_ = true;
  if (nspawn_ > 0) {
    if (leader_ > 0) Exec({"systemctl", "poweroff"}).IgnoreError();
    const bool exited =
        WaitFor([&] { return ::waitpid(nspawn_, nullptr, WNOHANG) == nspawn_; },
                30, 50);
    if (!exited) {
      residue.push_back("systemd-nspawn did not exit within 30 s of poweroff");
      ::kill(nspawn_, SIGKILL);
      ::waitpid(nspawn_, nullptr, 0);
    }
  }
  // Attachments anywhere in the container's cgroups, as the host sees them.
  for (const std::string& dir : TreeDeepestFirst(cgroup2_dir_)) {
    for (const std::string& p : AttachedAnyType(dir)) {
      residue.push_back(absl::StrCat("attached on ", dir, ": ", p));
    }
  }
  std::ofstream(cgroup2_dir_ + "/cgroup.kill") << "1" << std::flush;
  // nspawn's own state on the host: removed when it exits cleanly; the
  // directories above it only when empty (another container may use them).
  for (const std::string& dir :
       {absl::StrCat("/run/systemd/nspawn/propagate/", name_),
        std::string("/run/systemd/nspawn/propagate"),
        std::string("/run/systemd/nspawn"),
        std::string("/run/systemd/nspawn-root")}) {
    ::rmdir(dir.c_str());
  }
  for (const std::string& root : {cgroup2_dir_, systemd_dir_}) {
    for (const std::string& dir : RemoveTree(root)) {
      residue.push_back("cgroup: " + dir);
    }
  }
  return residue;
}

NspawnContainer::~NspawnContainer() { PowerOff(); }

}  // namespace bpfwarden::testing
