// bpfwardend: flags and wiring only.
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "daemon/api/server.h"
#include "daemon/core/config_dir.h"
#include "daemon/base/log.h"
#include "daemon/signals.h"
#include "daemon/systemd/activation.h"
#include "daemon/systemd/notify.h"
#include "daemon/core/warden.h"

ABSL_FLAG(std::string, pin_root, "/sys/fs/bpf/bpfwarden",
          "bpffs directory under which each program set pins its maps and "
          "links (<pin_root>/<set>/)");
ABSL_FLAG(std::string, config_dir, "/etc/bpfwarden",
          "directory of *.textproto configuration files (bpfwarden.v1.Config)");
ABSL_FLAG(std::string, state_dir, "/var/lib/bpfwarden",
          "where run-time changes persist; empty: nowhere");
ABSL_FLAG(bool, keep_pinned_links, false,
          "on shutdown, leave pinned links attached (a restart that keeps "
          "them); other attachments are detached regardless");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "bpfwardend: loads eBPF cgroup programs, pins their maps, attaches "
      "them through bpf_link and serves their maps over gRPC.");
  absl::ParseCommandLine(argc, argv);

  // Before any thread: it edits the environment.
  auto activated = bpfwarden::systemd::TakeListenSocket();
  if (!activated.ok()) {
    BPFWARDEN_LOG(ERROR) << activated.status();
    return 1;
  }
  // Before any thread: every thread inherits the blocked signals.
  auto signals = bpfwarden::SignalWaiter::Create();
  if (!signals.ok()) {
    BPFWARDEN_LOG(ERROR) << signals.status();
    return 1;
  }
  const std::string config_dir = absl::GetFlag(FLAGS_config_dir);
  auto config = bpfwarden::ReadConfigDir(config_dir);
  if (!config.ok()) {
    BPFWARDEN_LOG(ERROR) << config.status();
    return 1;
  }
  auto warden = bpfwarden::Warden::Create({
      .pin_root = absl::GetFlag(FLAGS_pin_root),
      .state_dir = absl::GetFlag(FLAGS_state_dir),
      .config_dir = config_dir,
  });
  if (!warden.ok()) {
    BPFWARDEN_LOG(ERROR) << warden.status();
    return 1;
  }
  if (absl::Status s = (*warden)->Start(*config); !s.ok()) {
    BPFWARDEN_LOG(WARNING) << "started with errors (see above)";
  }

  auto api =
      bpfwarden::api::Serve(warden->get(), *config, *std::move(activated));
  if (!api.ok()) {
    BPFWARDEN_LOG(ERROR) << "api: " << api.status();
    (*warden)->Shutdown().IgnoreError();
    return 1;
  }

  BPFWARDEN_LOG(INFO) << "running; SIGHUP reloads " << config_dir
                      << ", SIGTERM or Ctrl-C stops";
  const std::string socket_path = (*api)->unix_socket_path();
  const std::string ready = socket_path.empty()
                                ? "running"
                                : absl::StrCat("serving on ", socket_path);
  bpfwarden::systemd::NotifyReady(ready);
  for (;;) {
    auto signal = signals->Wait();
    if (!signal.ok()) {
      BPFWARDEN_LOG(ERROR) << signal.status();
      break;
    }
    if (*signal == bpfwarden::ControlSignal::kShutdown) break;
    bpfwarden::systemd::NotifyReloading();
    auto reloaded = bpfwarden::ReadConfigDir(config_dir);
    if (!reloaded.ok()) {
      BPFWARDEN_LOG(ERROR) << "reload refused, keeping the running config: "
                           << reloaded.status();
      bpfwarden::systemd::NotifyReady(ready);
      continue;
    }
    if (absl::Status p = (*api)->ReloadPolicy(reloaded->policy()); !p.ok()) {
      BPFWARDEN_LOG(ERROR) << "policy reload refused, keeping the running "
                              "policy: "
                           << p;
    }
    absl::Status s = (*warden)->Reconcile(*reloaded);
    BPFWARDEN_LOG(INFO) << "reloaded " << config_dir
                        << (s.ok() ? "" : " with errors (see above)");
    bpfwarden::systemd::NotifyReady(ready);
  }

  bpfwarden::systemd::NotifyStopping();
  (*api)->Shutdown();
  absl::Status s = (*warden)->Shutdown(absl::GetFlag(FLAGS_keep_pinned_links)
                                           ? bpfwarden::LinkRelease::kKeepPinned
                                           : bpfwarden::LinkRelease::kDetach);
  if (!s.ok()) {
    // Each failure names its attachment and whether its link stayed attached.
    BPFWARDEN_LOG(ERROR) << "shutdown incomplete: " << s;
    return 1;
  }
  BPFWARDEN_LOG(INFO) << "stopped";
  return 0;
}
