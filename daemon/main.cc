// bpfwardend: flags and wiring only.
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/base/libbpf_messages.h"
#include "daemon/base/log.h"
#include "daemon/daemon.h"
#include "daemon/handles/handle_server.h"
#include "daemon/signals.h"
#include "daemon/systemd/activation.h"
#include "daemon/systemd/journal.h"
#ifdef BPFWARDEN_TEST_HOOKS
#include "daemon/test_hooks.h"  // only in the testonly bpfwardend_for_tests
#endif

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

ABSL_FLAG(std::string, builtin_variant, "auto",
          "Which builtin object to load: auto (the default one when the "
          "kernel accepts BPF_ATOMIC cmpxchg, else no_cmpxchg), default, or "
          "no_cmpxchg (tcp_stats without slots, for kernels before 5.12)");
ABSL_FLAG(bool, fail_if_nothing_applied, false,
          "Exit 1 at start when none of the configuration's sets loads");
ABSL_FLAG(int, bpf_log_backlog, 1000,
          "BPF log records kept per program set for Logs.Tail");
ABSL_FLAG(std::string, api_socket, "/run/bpfwarden/api.sock",
          "Unix socket of the gRPC API; empty: none");
ABSL_FLAG(std::string, api_socket_mode, "0660",
          "permissions of the API socket (octal)");
ABSL_FLAG(std::string, api_socket_group, "bpfwarden",
          "group owning the API socket (its members may connect)");
ABSL_FLAG(std::string, handle_socket, "auto",
          "Unix socket on which callers granted READ_HANDLE are handed "
          "read-only map descriptors; auto: handles.sock beside "
          "--api_socket (/run/bpfwarden/handles.sock by default); empty: "
          "none. Mode and group as --api_socket_mode and --api_socket_group");
ABSL_FLAG(int, handle_max_per_minute, 120,
          "read handles one non-root uid may ask for in a minute");
ABSL_FLAG(int, handle_max_connections, 128,
          "most open handle-socket connections of non-root callers together");
ABSL_FLAG(int, handle_max_connections_per_uid, 8,
          "most open handle-socket connections of one non-root uid");
ABSL_FLAG(std::string, api_tls_address, "",
          "host:port of an additional mutual-TLS API listener; empty: none");
ABSL_FLAG(std::string, api_tls_cert, "", "TLS server certificate (PEM)");
ABSL_FLAG(std::string, api_tls_key, "", "TLS server key (PEM)");
ABSL_FLAG(std::string, api_tls_client_ca, "",
          "CA bundle (PEM) that API client certificates must chain to");
ABSL_FLAG(int, api_max_message_bytes, 16 << 20,
          "largest API request or response");
ABSL_FLAG(int, api_max_batch, 1024, "most entries in one Update or Delete");
ABSL_FLAG(int, api_max_streams, 32,
          "most Dump, Watch and Tail streams open at once, all callers "
          "together");
// Every API call is served on gRPC's callback API: there is no pool of
// serving threads to size.
ABSL_RETIRED_FLAG(int, api_max_threads, 64, "retired: no API thread pool");
ABSL_FLAG(int, api_max_connections, 512,
          "most open API connections of non-root callers together");
ABSL_FLAG(int, api_max_connections_per_uid, 32,
          "most open API connections of one non-root uid");
ABSL_FLAG(absl::Duration, api_max_connection_age, absl::Hours(1),
          "connections are closed politely at this age (the caller's "
          "identity is taken again on reconnect)");
ABSL_FLAG(absl::Duration, api_max_connection_idle, absl::Minutes(5),
          "idle connections are closed after this long");
ABSL_FLAG(int, api_max_streams_per_caller, 8,
          "most Dump, Watch and Tail streams one uid or certificate may "
          "hold at once");

ABSL_FLAG(std::string, metrics_address, "",
          "host:port on which to serve Prometheus metrics at /metrics over "
          "HTTP, e.g. 127.0.0.1:9469 (port 0: any free one); empty: none. "
          "Unauthenticated: map metrics show map contents to whoever reaches "
          "it, with no policy; keep it on loopback or behind a firewall");
ABSL_FLAG(absl::Duration, metrics_min_interval,
          bpfwarden::metrics::ListenOptions().min_interval,
          "scrapes within this long of a rendering of /metrics get its text "
          "(one dump of the maps per interval however many scrape); 0: "
          "every scrape renders");
ABSL_FLAG(absl::Duration, metrics_scrape_budget,
          bpfwarden::metrics::ListenOptions().budget,
          "a rendering's time for map dumps and the cgroup walk: map metrics "
          "and entry counts not done by then are left out of it "
          "(bpfwarden_metrics_scrape_truncated 1)");
ABSL_FLAG(int, metrics_max_connections,
          bpfwarden::metrics::HttpLimits().max_connections,
          "most open /metrics connections together");
ABSL_FLAG(int, metrics_max_connections_per_ip,
          bpfwarden::metrics::HttpLimits().max_connections_per_ip,
          "most open /metrics connections from one client address; more "
          "are closed at once");

ABSL_FLAG(std::string, log_target, "auto",
          "where log records go, the daemon's and its BPF programs': journal "
          "(sd_journal_send, with structured BPFWARDEN_* fields), stderr, or "
          "auto: the journal when stderr is journald's stream "
          "(JOURNAL_STREAM), else stderr");
ABSL_FLAG(absl::Duration, memory_trim_interval, absl::Seconds(10),
          "how often memory the daemon freed is handed back to the kernel "
          "(malloc_trim), so that its RSS comes back after a burst; 0: "
          "never");
ABSL_FLAG(std::string, systemd_bus, "system",
          "the bus on which systemd is asked about units (attachments by "
          "unit name): system, user, or a D-Bus address");

namespace bpfwarden {
namespace {

absl::StatusOr<mode_t> SocketModeFlag() {
  const std::string text = absl::GetFlag(FLAGS_api_socket_mode);
  char* end = nullptr;
  const unsigned long mode = std::strtoul(text.c_str(), &end, 8);
  if (text.empty() || *end != '\0' || mode > 0777) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--api_socket_mode=", text, ": not an octal mode like 0660"));
  }
  return static_cast<mode_t>(mode);
}

absl::StatusOr<api::ApiServerOptions> ApiServerOptionsFromFlags() {
  absl::StatusOr<mode_t> mode = SocketModeFlag();
  if (!mode.ok()) return mode.status();
  api::ApiServerOptions options;
  options.unix_socket.path = absl::GetFlag(FLAGS_api_socket);
  options.unix_socket.mode = *mode;
  options.unix_socket.group = absl::GetFlag(FLAGS_api_socket_group);
  options.tls_address = absl::GetFlag(FLAGS_api_tls_address);
  options.tls_cert_file = absl::GetFlag(FLAGS_api_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_api_tls_key);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_api_tls_client_ca);
  options.limits.max_message_bytes =
      std::max(4096, absl::GetFlag(FLAGS_api_max_message_bytes));
  options.limits.max_batch = std::max(1, absl::GetFlag(FLAGS_api_max_batch));
  options.limits.max_streams_per_principal =
      std::max(1, absl::GetFlag(FLAGS_api_max_streams_per_caller));
  options.limits.max_streams =
      std::max(1, absl::GetFlag(FLAGS_api_max_streams));
  options.connections.total =
      std::max(1, absl::GetFlag(FLAGS_api_max_connections));
  options.connections.per_uid =
      std::max(1, absl::GetFlag(FLAGS_api_max_connections_per_uid));
  options.max_connection_age =
      std::max(absl::Seconds(1), absl::GetFlag(FLAGS_api_max_connection_age));
  options.max_connection_idle =
      std::max(absl::Seconds(1), absl::GetFlag(FLAGS_api_max_connection_idle));
  return options;
}

absl::StatusOr<metrics::ListenOptions> MetricsOptionsFromFlags() {
  const int max_connections = absl::GetFlag(FLAGS_metrics_max_connections);
  const int per_ip = absl::GetFlag(FLAGS_metrics_max_connections_per_ip);
  if (max_connections < 1 || per_ip < 1) {
    return absl::InvalidArgumentError(
        "metrics: --metrics_max_connections and "
        "--metrics_max_connections_per_ip must be at least 1");
  }
  metrics::ListenOptions options;
  options.http.max_connections = max_connections;
  options.http.max_connections_per_ip = per_ip;
  options.min_interval = absl::GetFlag(FLAGS_metrics_min_interval);
  options.budget = absl::GetFlag(FLAGS_metrics_scrape_budget);
  return options;
}

// --handle_socket, with "auto" resolved beside the API socket.
std::string HandleSocketFlag() {
  const std::string flag = absl::GetFlag(FLAGS_handle_socket);
  if (flag != "auto") return flag;
  const std::string api = absl::GetFlag(FLAGS_api_socket);
  if (api.empty()) return "";
  const size_t slash = api.rfind('/');
  return slash == std::string::npos ? "handles.sock"
                                    : api.substr(0, slash + 1) + "handles.sock";
}

// The read-handle server's options; its socket's mode and group are the
// API socket's.
handles::HandleServerOptions HandleOptionsFromFlags(
    const api::ApiServerOptions& api) {
  handles::HandleServerOptions options;
  options.socket = {HandleSocketFlag(), api.unix_socket.mode,
                    api.unix_socket.group};
  options.limits.per_uid_per_minute =
      std::max(1, absl::GetFlag(FLAGS_handle_max_per_minute));
  options.max_connections =
      std::max(1, absl::GetFlag(FLAGS_handle_max_connections));
  options.max_connections_per_uid =
      std::max(1, absl::GetFlag(FLAGS_handle_max_connections_per_uid));
  return options;
}

// Every flag but the log target's, checked. `log_target`: as
// ChooseLogTarget chose.
absl::StatusOr<DaemonOptions> DaemonOptionsFromFlags(
    const std::string& log_target) {
  DaemonOptions options;
  absl::StatusOr<api::ApiServerOptions> api = ApiServerOptionsFromFlags();
  if (!api.ok()) return api.status();
  options.api = *std::move(api);
  options.handles = HandleOptionsFromFlags(options.api);
  absl::StatusOr<BuiltinVariant> variant =
      ParseBuiltinVariant(absl::GetFlag(FLAGS_builtin_variant));
  if (!variant.ok()) {
    return absl::Status(
        variant.status().code(),
        absl::StrCat("--builtin_variant: ", variant.status().message()));
  }
  options.builtin_variant = *variant;
  options.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  if (!options.metrics_address.empty()) {
    absl::StatusOr<metrics::ListenOptions> m = MetricsOptionsFromFlags();
    if (!m.ok()) return m.status();
    options.metrics = *m;
  }
  options.config_dir = absl::GetFlag(FLAGS_config_dir);
  options.pin_root = absl::GetFlag(FLAGS_pin_root);
  options.state_dir = absl::GetFlag(FLAGS_state_dir);
  options.fail_if_nothing_applied =
      absl::GetFlag(FLAGS_fail_if_nothing_applied);
  options.keep_pinned_links = absl::GetFlag(FLAGS_keep_pinned_links);
  options.bpf_log_backlog = absl::GetFlag(FLAGS_bpf_log_backlog);
  options.log_target = log_target;
  options.systemd_bus = absl::GetFlag(FLAGS_systemd_bus);
  options.memory_trim_interval = absl::GetFlag(FLAGS_memory_trim_interval);
  return options;
}

int Run() {
  absl::StatusOr<std::string> log_target =
      systemd::ChooseLogTarget(absl::GetFlag(FLAGS_log_target));
  if (!log_target.ok()) {
    BPFWARDEN_LOG(ERROR) << log_target.status();
    return 1;
  }
  // Before any thread: it edits the environment.
  absl::StatusOr<systemd::ActivatedSockets> activated =
      systemd::TakeListenSockets(HandleSocketFlag());
  if (!activated.ok()) {
    BPFWARDEN_LOG(ERROR) << activated.status();
    return 1;
  }
  // Before any thread: every thread inherits the blocked signals.
  absl::StatusOr<SignalWaiter> signals = SignalWaiter::Create();
  if (!signals.ok()) {
    BPFWARDEN_LOG(ERROR) << signals.status();
    return 1;
  }
  InstallLibbpfPrint();
  absl::StatusOr<DaemonOptions> options = DaemonOptionsFromFlags(*log_target);
  if (!options.ok()) {
    BPFWARDEN_LOG(ERROR) << options.status();
    return 1;
  }
  absl::StatusOr<std::unique_ptr<Daemon>> daemon =
      Daemon::Start(*std::move(options), std::move(activated->api),
                    std::move(activated->handles));
  if (!daemon.ok()) {
    BPFWARDEN_LOG(ERROR) << daemon.status();
    return 1;
  }
#ifdef BPFWARDEN_TEST_HOOKS
  test_hooks::StartStallWatcher(&(*daemon)->warden());
#endif
  if (absl::Status s = (*daemon)->Serve(*signals); !s.ok()) {
    BPFWARDEN_LOG(ERROR) << s;
  }
  if (absl::Status s = (*daemon)->Stop(); !s.ok()) {
    // Each failure names its attachment and whether its link stayed attached.
    BPFWARDEN_LOG(ERROR) << "shutdown incomplete: " << s;
    return 1;
  }
  BPFWARDEN_LOG(INFO) << "stopped";
  return 0;
}

}  // namespace
}  // namespace bpfwarden

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "bpfwardend: loads eBPF cgroup programs, pins their maps, attaches "
      "them through bpf_link and serves their maps over gRPC.");
  absl::ParseCommandLine(argc, argv);
  // A client can make the daemon hold buffers of up to a message's size
  // (16 MiB) for one call: its request, the parsed copy, an object blob.
  // With glibc's default, the first such free raises the mmap threshold,
  // and later ones come from the arenas and stay there: measured by
  // tests/adversary, 15 MiB requests left RSS at 156 MiB after a 30 MiB
  // start. A fixed threshold hands every block over 256 KiB back on free.
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
#ifdef BPFWARDEN_TEST_HOOKS
  bpfwarden::test_hooks::InstallCrashPoint();
#endif
#ifdef NDEBUG
  // Debian's Abseil is built with its lock-order (deadlock) graph on: every
  // Mutex Lock and Unlock then goes through one global graph. The tests'
  // builds keep it; the optimized daemon does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  return bpfwarden::Run();
}
