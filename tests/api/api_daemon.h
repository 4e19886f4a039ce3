// A bpfwardend started by an API test: its own pin root, config, state
// directory and API socket, its log captured, stopped with SIGTERM. The
// process itself is a tests/testing DaemonProcess; this adds the gRPC side.
#ifndef BPFWARDEN_TESTS_API_API_DAEMON_H_
#define BPFWARDEN_TESTS_API_API_DAEMON_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "tests/testing/daemon_process.h"

namespace bpfwarden::testing {

struct DaemonOptions {
  std::string pin_root;
  std::string work_dir;  // config/, state/, api.sock and daemon.log go here
  std::string config;    // text of config/10-test.textproto
  std::string socket_group = "nogroup";
  std::vector<std::string> extra_flags;
};

class ApiDaemon {
 public:
  // Starts the daemon and waits (up to 30 s) until Daemon.Status answers on
  // its socket. The error carries the daemon's log when it did not come up.
  static absl::StatusOr<std::unique_ptr<ApiDaemon>> Start(
      DaemonOptions options);
  // Stop().
  ~ApiDaemon();

  const std::string& socket_path() const { return socket_path_; }
  std::string config_dir() const { return options_.work_dir + "/config"; }
  pid_t pid() const { return process_.pid(); }
  std::shared_ptr<grpc::Channel> Channel() const;

  // Rewrites the config file and sends SIGHUP; waits until the daemon's log
  // shows `wait_for` once more than before.
  absl::Status Reload(const std::string& config,
                      const std::string& wait_for = "policy reloaded");
  // SIGTERM and wait; the exit status (0 for a clean stop).
  absl::StatusOr<int> Stop() { return process_.Stop(); }
  std::string Log() const { return process_.Log(); }

 private:
  ApiDaemon(DaemonOptions options, std::string socket_path,
            DaemonProcess process)
      : options_(std::move(options)),
        socket_path_(std::move(socket_path)),
        process_(std::move(process)) {}
  absl::Status WaitUntilServing();

  DaemonOptions options_;
  std::string socket_path_;
  DaemonProcess process_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_API_API_DAEMON_H_
