// Daemon: bpfwardend's parts started, served and stopped in their order.
// main() turns flags into DaemonOptions and does what must come before any
// thread (the log target, the activated socket, the signal mask); the rest
// is here:
//
//   Start   the BPF log readers, the Warden (the config's sets and
//           attachments, the persisted state), /metrics, the unit follower,
//           the servers (the gRPC API), the watchdog, the memory trimmer
//   Serve   READY=1, then each SIGHUP reloads, until SIGTERM or SIGINT
//   Stop    STOPPING=1, the servers, the unit follower, the watchdog, then
//           the Warden: every attachment released, maps left pinned
//
// A server (a listener that calls into the Warden) starts in StartServers,
// once the Warden and everything its calls use are up, and stops first in
// StopServers, before anything it uses goes.
#ifndef BPFWARDEN_DAEMON_DAEMON_H_
#define BPFWARDEN_DAEMON_DAEMON_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/api/server.h"
#include "daemon/base/memory_trimmer.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/bpf_log_hub.h"
#include "daemon/core/kernel_platform.h"
#include "daemon/core/warden.h"
#include "daemon/handles/handle_server.h"
#include "daemon/metrics/metrics_service.h"
#include "daemon/signals.h"
#include "daemon/systemd/unit_follower.h"
#include "daemon/systemd/watchdog.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden {

struct DaemonOptions {
  // Directory of *.textproto files (bpfwarden.v1.Config), read at Start and
  // at each Reload.
  std::string config_dir = "/etc/bpfwarden";
  // The Warden's (WardenOptions).
  std::string pin_root = "/sys/fs/bpf/bpfwarden";
  std::string state_dir = "/var/lib/bpfwarden";
  // Empty: found from /proc/mounts.
  std::string cgroup2_mount;
  BuiltinVariant builtin_variant = BuiltinVariant::kAuto;
  // Start fails when the configuration declares sets or attachments and
  // none of its sets loads.
  bool fail_if_nothing_applied = false;
  // Stop leaves pinned links attached (kKeepPinned) instead of detaching.
  bool keep_pinned_links = false;
  // BPF log records kept per set; where they go: "journal" or "stderr".
  int bpf_log_backlog = 1000;
  std::string log_target = "stderr";
  // The gRPC API. Its `logs`, `stats`, `attach_unit` and `handles` are the
  // Daemon's.
  api::ApiServerOptions api;
  // The read-handle socket (READ_HANDLE); an empty socket path and no
  // activated socket: none.
  handles::HandleServerOptions handles;
  // "host:port" of /metrics; empty: no listener (the config's map metrics
  // are still checked).
  std::string metrics_address;
  metrics::ListenOptions metrics;
  // Where systemd is asked about units: "system", "user" or an address.
  std::string systemd_bus = "system";
  absl::Duration memory_trim_interval = absl::Seconds(10);
};

class Daemon {
 public:
  // Reads the configuration and starts every part. `activated_socket` and
  // `activated_handles` (socket activation; invalid: none) are served
  // instead of binding options.api.unix_socket and options.handles.socket. On error whatever started is stopped again
  // (the Warden shut down, its attachments detached) and the error names
  // the part that failed.
  static absl::StatusOr<std::unique_ptr<Daemon>> Start(
      DaemonOptions options, UniqueFd activated_socket = UniqueFd(),
      UniqueFd activated_handles = UniqueFd());
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  // Stop() unless stopped, its error logged.
  ~Daemon();

  // Tells systemd it is ready, then serves until `signals` brings SIGTERM
  // or SIGINT; each SIGHUP reloads (RELOADING=1, Reload, READY=1). An error
  // when waiting for a signal failed. Stop() comes after either way.
  absl::Status Serve(SignalWaiter& signals);

  // SIGHUP's work: the configuration directory read again; the policy, the
  // config-origin sets and attachments, and the map metrics made to match
  // it. A directory that does not parse, or whose metrics do not fit,
  // changes nothing: that error is returned. Otherwise each part that
  // refused keeps what it had, and the result lists those errors.
  absl::Status Reload();

  // Stops the servers, the unit follower and the watchdog, then shuts the
  // Warden down (pinned links kept when options.keep_pinned_links). The
  // result lists every release that failed. Later calls return OK.
  absl::Status Stop();

  Warden& warden() { return *warden_; }
  // The API's Unix socket path (empty when none) and the /metrics port
  // (0 when none).
  std::string api_socket_path() const { return api_->unix_socket_path(); }
  int metrics_port() const { return metrics_->port(); }

 private:
  explicit Daemon(DaemonOptions options);

  // Start's steps, in order: the configuration read, then each part.
  absl::Status StartParts(UniqueFd activated_socket,
                          UniqueFd activated_handles);
  absl::Status StartWarden(const v1::Config& config);
  absl::Status StartMetrics(const v1::Config& config);
  void StartUnitFollower();
  absl::Status StartServers(policy::Policy policy, UniqueFd activated_socket,
                            UniqueFd activated_handles);
  // Every server, stopped; before the unit follower and the Warden.
  void StopServers();
  // After a failed Start: what started is stopped, without STOPPING=1.
  void Abandon();

  // STATUS= while running: what serves, and the units attachments wait for.
  void NotifyRunning(bool ready);

  const DaemonOptions options_;
  bool stopped_ = false;

  std::unique_ptr<BpfLogHub> logs_;
  std::unique_ptr<Warden> warden_;
  std::unique_ptr<metrics::MetricsService> metrics_;

  // What STATUS= says serves, read by the unit follower's thread.
  absl::Mutex status_mu_;
  std::string serving_ ABSL_GUARDED_BY(status_mu_) = "running";
  std::unique_ptr<systemd::UnitFollower> units_;

  // The servers. One more starts in StartServers and stops in StopServers.
  std::unique_ptr<api::ApiServer> api_;
  std::unique_ptr<handles::HandleServer> handles_;

  std::unique_ptr<systemd::Watchdog> watchdog_;
  std::unique_ptr<MemoryTrimmer> trimmer_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_DAEMON_H_
