#include "daemon/api/server.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "daemon/api/daemon_service.h"
#include "daemon/api/kernel_features.h"
#include "daemon/api/logs_service.h"
#include "daemon/api/maps_service.h"
#include "daemon/api/programs_service.h"
#include "daemon/api/rpc_stats_interceptor.h"
#include "daemon/base/log.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace bpfwarden::api {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(what, " ", path, ": cannot read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsCredentials(
    const ApiServerOptions& options) {
  if (options.tls_cert_file.empty() || options.tls_key_file.empty() ||
      options.tls_client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "the TLS listener needs a certificate, a key and a client CA bundle");
  }
  auto cert = ReadFile(options.tls_cert_file, "TLS certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadFile(options.tls_key_file, "TLS key");
  if (!key.ok()) return key.status();
  auto ca = ReadFile(options.tls_client_ca_file, "TLS client CA");
  if (!ca.ok()) return ca.status();
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = *ca;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiServer>> ApiServer::Start(
    Warden* warden, const ApiServerOptions& options, policy::Policy policy,
    UniqueFd activated_socket) {
  std::unique_ptr<ApiServer> self(new ApiServer());
  self->api_ =
      std::make_unique<ApiContext>(warden, options.limits, std::move(policy));
  ApiContext* api = self->api_.get();
  api->SetUnitAttacher(options.attach_unit);
  api->SetStats(options.stats);
  self->services_.push_back(std::make_unique<ProgramsService>(api));
  self->services_.push_back(std::make_unique<AttachmentsService>(api));
  self->services_.push_back(std::make_unique<MapsService>(api));
  self->services_.push_back(std::make_unique<DaemonService>(
      api, ProbeKernelFeatures(warden->options().platform), options.logs,
      options.handles));
  self->services_.push_back(std::make_unique<LogsService>(api, options.logs));

  if (activated_socket.valid()) {
    auto listener = UnixListener::Adopt(std::move(activated_socket));
    if (!listener.ok()) return listener.status();
    self->listener_ = *std::move(listener);
  } else if (!options.unix_socket.path.empty()) {
    auto listener = UnixListener::Create(options.unix_socket);
    if (!listener.ok()) return listener.status();
    self->listener_ = *std::move(listener);
  }

  // gRPC 1.51's default health service is callback-based (its Watch is a
  // reactor); its reflection service is synchronous, a thread per stream,
  // so it is not served.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  for (auto& service : self->services_) builder.RegisterService(service.get());
  // A server with callback methods only has nothing that answers an
  // unknown method (reflection, say): such calls would wait, unanswered,
  // until their clients gave up. This answers UNIMPLEMENTED at once.
  self->unknown_methods_ = std::make_unique<grpc::CallbackGenericService>();
  builder.RegisterCallbackGenericService(self->unknown_methods_.get());
  if (options.stats != nullptr) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(RpcStatsInterceptorFactory(options.stats));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  int max_message = static_cast<int>(options.limits.max_message_bytes);
  builder.SetMaxReceiveMessageSize(max_message);
  builder.SetMaxSendMessageSize(max_message);
  grpc::ResourceQuota quota("bpfwarden-api");
  quota.Resize(options.memory_quota_bytes);
  builder.SetResourceQuota(quota);
  auto ms = [](absl::Duration d) {
    return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(d),
                                              std::numeric_limits<int>::max()));
  };
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             ms(options.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             ms(options.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             ms(options.max_connection_age_grace));
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             ms(options.handshake_timeout));
  // Calls at once on one connection (with the per-uid connection cap, what
  // one caller can keep open).
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 16);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  if (!options.tls_address.empty()) {
    auto creds = TlsCredentials(options);
    if (!creds.ok()) return creds.status();
    builder.AddListeningPort(options.tls_address, *creds, &self->tls_port_);
  }
  self->server_ = builder.BuildAndStart();
  if (self->server_ == nullptr) {
    return absl::InternalError(absl::StrCat(
        "cannot start the API server",
        options.tls_address.empty()
            ? ""
            : absl::StrCat(" (TLS on ", options.tls_address, ")")));
  }
  if (!options.tls_address.empty() && self->tls_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.tls_address));
  }
  if (self->listener_ != nullptr) {
    absl::Status s = self->listener_->Start(self->server_.get(), &api->peers(),
                                            options.connections);
    if (!s.ok()) return s;
    BPFWARDEN_LOG(INFO) << "api: serving on " << self->listener_->path();
  }
  if (self->tls_port_ != 0) {
    BPFWARDEN_LOG(INFO) << "api: serving mutual TLS on " << options.tls_address
                        << " (port " << self->tls_port_ << ")";
  }
  return self;
}

ApiServer::~ApiServer() { Shutdown(); }

absl::Status ApiServer::ReloadPolicy(
    const google::protobuf::RepeatedPtrField<v1::PolicyRule>& rules) {
  absl::StatusOr<policy::Policy> fresh = policy::Policy::FromConfig(rules);
  if (!fresh.ok()) return fresh.status();
  size_t count = fresh->rule_count();
  api_->SetPolicy(*std::move(fresh));
  BPFWARDEN_LOG(INFO) << "api: policy reloaded (" << count << " rules)";
  return absl::OkStatus();
}

void ApiServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // Watches end at once (UNAVAILABLE) rather than wait out the grace.
  api_->watches().Shutdown();
  if (listener_ != nullptr) listener_->Stop();
  if (server_ != nullptr) {
    if (auto* health = server_->GetHealthCheckService()) {
      health->Shutdown();
    }
    // Calls still running after `grace` are cancelled: a stream's reactor
    // then finishes, even with a write the client never read.
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(grace));
    server_->Wait();
  }
}

}  // namespace bpfwarden::api
