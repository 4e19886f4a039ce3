// The API server: gRPC services over the daemon's own Unix socket (and an
// optional mutual-TLS TCP port), with health. Every method is served on
// gRPC's callback API, so no client holds a thread; there is no server
// reflection (Debian's gRPC 1.51 serves it only synchronously).
#ifndef BPFWARDEN_DAEMON_API_SERVER_H_
#define BPFWARDEN_DAEMON_API_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/api/api_context.h"
#include "daemon/api/daemon_service.h"
#include "daemon/api/unix_listener.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/bpf_log_hub.h"
#include "daemon/core/warden.h"
#include "daemon/metrics/api_stats.h"
#include "daemon/policy/policy.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden::api {

struct ApiServerOptions {
  // Empty path: no Unix listener.
  UnixListenerOptions unix_socket;
  // "host:port" for the mutual-TLS listener; empty: none. The three files
  // are then required: the server's certificate chain and key (PEM) and the
  // CA bundle that client certificates must chain to.
  std::string tls_address;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  ApiLimits limits;
  // The BPF log readers Logs.Tail and Daemon.Status use; may be null.
  BpfLogHub* logs = nullptr;
  // What Daemon.Status reports of read handles (daemon/handles).
  HandleReport handles;
  // Attaches a spec naming a systemd unit (the systemd adapter's
  // UnitFollower::Attach); empty: such specs are FAILED_PRECONDITION.
  UnitAttacher attach_unit;
  // Unix-socket connections at accept (root is never refused).
  ConnectionCaps connections;
  // A connection idle this long is closed; any connection is closed
  // politely (GOAWAY, calls in flight get `max_connection_age_grace` to
  // finish) at this age, so an identity taken at accept is not kept for
  // ever. TLS handshakes must finish within `handshake_timeout`.
  absl::Duration max_connection_idle = absl::Minutes(5);
  absl::Duration max_connection_age = absl::Hours(1);
  absl::Duration max_connection_age_grace = absl::Minutes(1);
  absl::Duration handshake_timeout = absl::Seconds(5);
  // Memory gRPC may use for buffers, all connections together.
  size_t memory_quota_bytes = size_t{512} << 20;
  // Where every call and denial is counted (for /metrics); may be null.
  // It must outlive the server.
  metrics::ApiStats* stats = nullptr;
};

class ApiServer {
 public:
  // A valid `activated_socket` (socket activation) is served instead of
  // binding options.unix_socket.
  static absl::StatusOr<std::unique_ptr<ApiServer>> Start(
      Warden* warden, const ApiServerOptions& options, policy::Policy policy,
      UniqueFd activated_socket = UniqueFd());
  ~ApiServer();

  // SIGHUP: replaces the policy with the config's rules; on error the old
  // policy stays and the error says why.
  absl::Status ReloadPolicy(
      const google::protobuf::RepeatedPtrField<v1::PolicyRule>& rules);

  // The policy in force now (the read-handle socket asks it per request).
  std::shared_ptr<const policy::Policy> policy() const {
    return api_->policy();
  }

  // Stops accepting, then ends the calls in flight, waiting up to `grace`
  // for them (and for idle clients to hang up) before cancelling them.
  void Shutdown(absl::Duration grace = absl::Seconds(1));

  // The Unix socket path served, empty when none.
  std::string unix_socket_path() const {
    return listener_ != nullptr ? listener_->path() : std::string();
  }
  // The TLS port actually bound (for "host:0"), 0 without TLS.
  int tls_port() const { return tls_port_; }

 private:
  ApiServer() = default;

  std::unique_ptr<ApiContext> api_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::CallbackGenericService> unknown_methods_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<UnixListener> listener_;
  int tls_port_ = 0;
  bool shut_down_ = false;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_SERVER_H_
