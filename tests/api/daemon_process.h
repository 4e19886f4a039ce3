// A bpfwardend started by a test: its own pin root, config, state directory
// and API socket, its log captured, stopped with SIGTERM.
#ifndef BPFWARDEN_TESTS_API_DAEMON_PROCESS_H_
#define BPFWARDEN_TESTS_API_DAEMON_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace bpfwarden::testing {

// A directory under /tmp (0755, so that a client that dropped privileges
// reaches the socket inside), removed with everything in it.
class ScopedTempDir {
 public:
  static absl::StatusOr<ScopedTempDir> Create(const std::string& tag);
  ScopedTempDir(ScopedTempDir&& other) noexcept
      : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ~ScopedTempDir();
  const std::string& path() const { return path_; }

 private:
  explicit ScopedTempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// A file under the runfiles tree, e.g. "daemon/bpfwardend".
std::string Runfile(const std::string& path);

struct DaemonOptions {
  std::string pin_root;
  std::string work_dir;  // config/, state/, api.sock and daemon.log go here
  std::string config;    // text of config/10-test.textproto
  std::string socket_group = "nogroup";
  std::vector<std::string> extra_flags;
};

class DaemonProcess {
 public:
  // Starts the daemon and waits (up to 30 s) until Daemon.Status answers on
  // its socket. The error carries the daemon's log when it did not come up.
  static absl::StatusOr<std::unique_ptr<DaemonProcess>> Start(
      DaemonOptions options);
  ~DaemonProcess();

  const std::string& socket_path() const { return socket_path_; }
  std::string config_dir() const { return options_.work_dir + "/config"; }
  pid_t pid() const { return pid_; }
  std::shared_ptr<grpc::Channel> Channel() const;

  // Rewrites the config file and sends SIGHUP; waits until the daemon's log
  // shows `wait_for` once more than before.
  absl::Status Reload(const std::string& config,
                      const std::string& wait_for = "policy reloaded");
  // SIGTERM and wait; the exit status (0 for a clean stop).
  absl::StatusOr<int> Stop();
  std::string Log() const;

 private:
  DaemonProcess(DaemonOptions options, std::string socket_path, pid_t pid)
      : options_(std::move(options)),
        socket_path_(std::move(socket_path)),
        pid_(pid) {}
  absl::Status WaitUntilServing();

  DaemonOptions options_;
  std::string socket_path_;
  pid_t pid_ = -1;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_API_DAEMON_PROCESS_H_
