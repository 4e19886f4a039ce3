// bpfwarden.v1.Daemon: version, uptime, counts and kernel features.
#ifndef BPFWARDEN_DAEMON_API_DAEMON_SERVICE_H_
#define BPFWARDEN_DAEMON_API_DAEMON_SERVICE_H_

#include "daemon/api/api_context.h"
#include "daemon/api/kernel_features.h"
#include "daemon/core/bpf_log_hub.h"
#include "bpfwarden/v1/api.grpc.pb.h"
#include "daemon/metrics/handle_stats.h"

namespace bpfwarden::api {

// The daemon's version, as Status reports it.
inline constexpr char kVersion[] = "0.1.0";

// What Status says of read handles (daemon/handles); an empty socket:
// none are served.
struct HandleReport {
  std::string socket;
  bool usable = false;
  std::string probe;  // what the kernel probe found
  const metrics::HandleStats* stats = nullptr;  // may be null
};

class DaemonService final : public v1::Daemon::CallbackService {
 public:
  // `logs` (may be null) gives the BPF log counts.
  DaemonService(ApiContext* api, KernelFeatures features,
                const BpfLogHub* logs = nullptr, HandleReport handles = {})
      : api_(api),
        features_(std::move(features)),
        logs_(logs),
        handles_(std::move(handles)) {}

  // Open to every client that can connect: it reveals only counts, and the
  // caller's own identity as the daemon sees it (apply failures are listed
  // for root only). Answered on the gRPC thread that received it.
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* ctx,
                                   const v1::StatusRequest* req,
                                   v1::StatusResponse* resp) override;

 private:
  grpc::Status DoStatus(const grpc::ServerContextBase& ctx,
                        const v1::StatusRequest& req, v1::StatusResponse& resp);
  void AddHandles(const policy::Identity& who, v1::StatusResponse& resp) const;

  ApiContext* const api_;
  const KernelFeatures features_;
  const BpfLogHub* const logs_;
  const HandleReport handles_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_DAEMON_SERVICE_H_
