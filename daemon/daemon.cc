#include "daemon/daemon.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/api/daemon_service.h"
#include "daemon/api/rpc_stats_interceptor.h"
#include "daemon/base/log.h"
#include "daemon/base/status_list.h"
#include "daemon/core/config_dir.h"
#include "daemon/systemd/journal_log_sink.h"
#include "daemon/systemd/notify.h"

namespace bpfwarden {
namespace {

// `s` with `context` before its message.
absl::Status WithContext(absl::string_view context, const absl::Status& s) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(context, s.message()));
}

std::string RunningStatus(const std::string& serving,
                          const std::vector<std::string>& waiting) {
  if (waiting.empty()) return serving;
  return absl::StrCat(serving,
                      "; waiting for units: ", absl::StrJoin(waiting, ", "));
}

// The BPF log readers; their records go where the daemon's own go.
absl::StatusOr<std::unique_ptr<BpfLogHub>> StartLogs(
    const DaemonOptions& options) {
  BpfLogHubOptions hub;
  hub.backlog = std::max(1, options.bpf_log_backlog);
  if (options.log_target == "journal") {
    hub.sink = std::make_unique<systemd::JournalBpfLogSink>();
  }
  return BpfLogHub::Create(std::move(hub));
}

}  // namespace

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)) {}

Daemon::~Daemon() {
  absl::Status s = Stop();
  if (!s.ok()) BPFWARDEN_LOG(ERROR) << "shutdown incomplete: " << s;
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Start(
    DaemonOptions options, UniqueFd activated_socket,
    UniqueFd activated_handles) {
  std::unique_ptr<Daemon> daemon(new Daemon(std::move(options)));
  if (absl::Status s = daemon->StartParts(std::move(activated_socket),
                                          std::move(activated_handles));
      !s.ok()) {
    daemon->Abandon();
    return s;
  }
  return daemon;
}

absl::Status Daemon::StartParts(UniqueFd activated_socket,
                                UniqueFd activated_handles) {
  absl::StatusOr<v1::Config> config = ReadConfigDir(options_.config_dir);
  if (!config.ok()) return config.status();
  absl::StatusOr<policy::Policy> policy =
      policy::Policy::FromConfig(config->policy());
  if (!policy.ok()) return WithContext("api: ", policy.status());
  if (absl::Status s = StartWarden(*config); !s.ok()) return s;
  if (absl::Status s = StartMetrics(*config); !s.ok()) {
    return WithContext("metrics: ", s);
  }
  StartUnitFollower();
  absl::Status s =
      StartServers(*std::move(policy), std::move(activated_socket),
                   std::move(activated_handles));
  if (!s.ok()) return s;
  watchdog_ = std::make_unique<systemd::Watchdog>(
      [w = warden_.get()] { return w->Ping(); });
  trimmer_ = std::make_unique<MemoryTrimmer>(options_.memory_trim_interval);
  return absl::OkStatus();
}

absl::Status Daemon::StartWarden(const v1::Config& config) {
  absl::StatusOr<std::unique_ptr<BpfLogHub>> logs = StartLogs(options_);
  if (!logs.ok()) return logs.status();
  logs_ = *std::move(logs);
  absl::StatusOr<std::unique_ptr<Warden>> warden = Warden::Create({
      .pin_root = options_.pin_root,
      .state_dir = options_.state_dir,
      .cgroup2_mount = options_.cgroup2_mount,
      .config_dir = options_.config_dir,
      .logs = logs_.get(),
      .platform = DetectKernelPlatform(options_.builtin_variant),
  });
  if (!warden.ok()) return warden.status();
  warden_ = *std::move(warden);
  absl::Status s = warden_->Start(config);
  if (s.ok()) return s;
  if (options_.fail_if_nothing_applied && warden_->AppliedNothingOf(config)) {
    return absl::Status(
        s.code(),
        absl::StrCat(
            "nothing of the configuration in ", options_.config_dir,
            " could be applied (--fail_if_nothing_applied): ", s.message()));
  }
  BPFWARDEN_LOG(WARNING) << "started with errors (see above; "
                            "`bpfwarden status` lists them)";
  return absl::OkStatus();
}

// The config's map metrics, and the /metrics listener when asked for.
absl::Status Daemon::StartMetrics(const v1::Config& config) {
  metrics_ = std::make_unique<metrics::MetricsService>(
      warden_.get(), logs_.get(), api::kVersion, api::ApiMethodNames());
  if (absl::Status s = metrics_->Configure(config); !s.ok()) return s;
  const std::string& address = options_.metrics_address;
  if (address.empty()) return absl::OkStatus();
  if (absl::Status s = metrics_->Listen(address, options_.metrics); !s.ok()) {
    return s;
  }
  const size_t colon = address.rfind(':');
  BPFWARDEN_LOG(INFO) << "metrics: serving /metrics on "
                      << address.substr(0, colon) << ":" << metrics_->port();
  return absl::OkStatus();
}

void Daemon::StartUnitFollower() {
  units_ = std::make_unique<systemd::UnitFollower>(
      warden_.get(), options_.systemd_bus,
      [this](const std::vector<std::string>& waiting) {
        absl::MutexLock lock(&status_mu_);
        systemd::NotifyStatus(RunningStatus(serving_, waiting));
      });
}

absl::Status Daemon::StartServers(policy::Policy policy,
                                  UniqueFd activated_socket,
                                  UniqueFd activated_handles) {
  api::ApiServerOptions api_options = options_.api;
  api_options.logs = logs_.get();
  api_options.stats = metrics_->api_stats();
  api_options.attach_unit = [units = units_.get()](const v1::Attachment& spec) {
    return units->Attach(spec);
  };
  // The read-handle socket is bound (and the kernel probed) before the API
  // starts, so Daemon.Status reports it from the first call.
  if (!options_.handles.socket.path.empty() || activated_handles.valid()) {
    absl::StatusOr<std::unique_ptr<handles::HandleServer>> handles =
        handles::HandleServer::Create(warden_.get(), options_.handles,
                                      metrics_->handle_stats(),
                                      std::move(activated_handles));
    if (!handles.ok()) return WithContext("handles: ", handles.status());
    handles_ = *std::move(handles);
    api_options.handles = {handles_->path(), handles_->probe().usable,
                           handles_->probe().detail, metrics_->handle_stats()};
  }
  absl::StatusOr<std::unique_ptr<api::ApiServer>> api =
      api::ApiServer::Start(warden_.get(), api_options, std::move(policy),
                            std::move(activated_socket));
  if (!api.ok()) return WithContext("api: ", api.status());
  api_ = *std::move(api);
  if (handles_ != nullptr) {
    // Every hand-over asks the API's policy, so a SIGHUP applies at once.
    if (absl::Status s = handles_->Start([a = api_.get()] { return a->policy(); });
        !s.ok()) {
      return WithContext("handles: ", s);
    }
  }
  return absl::OkStatus();
}

void Daemon::StopServers() {
  handles_.reset();
  if (api_ != nullptr) api_->Shutdown();
}

void Daemon::Abandon() {
  StopServers();
  units_.reset();
  if (warden_ != nullptr) warden_->Shutdown().IgnoreError();
  stopped_ = true;
}

void Daemon::NotifyRunning(bool ready) {
  absl::MutexLock lock(&status_mu_);
  const std::string status = RunningStatus(serving_, units_->WaitingUnits());
  if (ready) {
    systemd::NotifyReady(status);
  } else {
    systemd::NotifyStatus(status);
  }
}

absl::Status Daemon::Serve(SignalWaiter& signals) {
  BPFWARDEN_LOG(INFO) << "running; SIGHUP reloads " << options_.config_dir
                      << ", SIGTERM or Ctrl-C stops";
  {
    absl::MutexLock lock(&status_mu_);
    const std::string socket_path = api_->unix_socket_path();
    if (!socket_path.empty()) {
      serving_ = absl::StrCat("serving on ", socket_path);
    }
  }
  NotifyRunning(/*ready=*/true);
  for (;;) {
    absl::StatusOr<ControlSignal> signal = signals.Wait();
    if (!signal.ok()) return signal.status();
    if (*signal == ControlSignal::kShutdown) return absl::OkStatus();
    systemd::NotifyReloading();
    Reload().IgnoreError();  // logged
    NotifyRunning(/*ready=*/true);
  }
}

absl::Status Daemon::Reload() {
  absl::StatusOr<v1::Config> config = ReadConfigDir(options_.config_dir);
  if (config.ok()) {
    if (absl::Status s = metrics_->CheckReload(*config); !s.ok()) {
      config = WithContext("metrics: ", s);
    }
  }
  if (!config.ok()) {
    BPFWARDEN_LOG(ERROR) << "reload refused, keeping the running config: "
                         << config.status();
    return config.status();
  }
  StatusList errors;
  if (absl::Status s = api_->ReloadPolicy(config->policy()); !s.ok()) {
    BPFWARDEN_LOG(ERROR) << "policy reload refused, keeping the running "
                            "policy: "
                         << s;
    errors.Add(WithContext("policy: ", s));
  }
  absl::Status reconciled = warden_->Reconcile(*config);
  errors.Add(reconciled);
  if (absl::Status m = metrics_->ApplyReload(*config); !m.ok()) {
    BPFWARDEN_LOG(ERROR) << "metrics reload refused, keeping the running "
                            "metrics: "
                         << m;
    errors.Add(WithContext("metrics: ", m));
  }
  units_->Poke();
  BPFWARDEN_LOG(INFO) << "reloaded " << options_.config_dir
                      << (reconciled.ok() ? "" : " with errors (see above)");
  return errors.Joined();
}

absl::Status Daemon::Stop() {
  if (stopped_ || warden_ == nullptr) return absl::OkStatus();
  stopped_ = true;
  systemd::NotifyStopping();
  StopServers();
  units_.reset();  // stops following before the attachments go
  watchdog_.reset();
  return warden_->Shutdown(options_.keep_pinned_links ? LinkRelease::kKeepPinned
                                                      : LinkRelease::kDetach);
}

}  // namespace bpfwarden
