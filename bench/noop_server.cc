// The floor of bench/run's point operations: a gRPC server on a Unix socket
// whose Maps.Lookup, Update and LookupBatch answer at once with a reply the
// daemon's size, built with the serving options that shape the daemon's
// latency (synchronous API, thread quota, pollers, message limits). What
// bpfwardend takes beyond this server is the daemon's own cost; what this
// server takes is gRPC's and the machine's.
//
//   noop_server --socket=PATH     serves until SIGTERM or SIGINT
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/resource_quota.h"
#include "bpfwarden/v1/api.grpc.pb.h"

ABSL_FLAG(std::string, socket, "", "Unix socket to serve on");
ABSL_FLAG(int, value_bytes, 32, "raw value bytes in each reply");

namespace bpfwarden::bench {
namespace {

class NoopMaps final : public v1::Maps::Service {
 public:
  explicit NoopMaps(int value_bytes) : value_(value_bytes, '\x01') {}

  grpc::Status Lookup(grpc::ServerContext*, const v1::LookupRequest* req,
                      v1::LookupResponse* resp) override {
    *resp->mutable_entry()->mutable_key() = req->key();
    resp->mutable_entry()->mutable_value()->set_raw(value_);
    return grpc::Status::OK;
  }

  grpc::Status Update(grpc::ServerContext*, const v1::UpdateRequest* req,
                      v1::UpdateResponse* resp) override {
    resp->set_updated(req->entries_size());
    return grpc::Status::OK;
  }

  grpc::Status LookupBatch(grpc::ServerContext*,
                           const v1::LookupBatchRequest* req,
                           v1::LookupBatchResponse* resp) override {
    const size_t n = req->packed_keys().size() / 16;  // bench keys: 16 bytes
    resp->mutable_found()->assign(n, 1);
    for (size_t i = 0; i < n; ++i)
      resp->mutable_packed_values()->append(value_);
    return grpc::Status::OK;
  }

 private:
  const std::string value_;
};

int Main() {
  const std::string socket = absl::GetFlag(FLAGS_socket);
  if (socket.empty()) {
    std::fprintf(stderr, "noop_server: --socket is required\n");
    return 2;
  }
  // Stopped by SIGTERM/SIGINT, taken synchronously on a thread of its own.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  NoopMaps maps(absl::GetFlag(FLAGS_value_bytes));
  grpc::ServerBuilder builder;
  builder.RegisterService(&maps);
  builder.AddListeningPort("unix:" + socket, grpc::InsecureServerCredentials());
  // As daemon/api/server.cc sets them by default.
  builder.SetMaxReceiveMessageSize(16 << 20);
  builder.SetMaxSendMessageSize(16 << 20);
  grpc::ResourceQuota quota("noop-server");
  quota.SetMaxThreads(64);
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::MAX_POLLERS, 4);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 16);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    std::fprintf(stderr, "noop_server: cannot serve on %s\n", socket.c_str());
    return 1;
  }
  std::fprintf(stderr, "noop_server: serving on %s\n", socket.c_str());
  int sig = 0;
  sigwait(&stop, &sig);
  server->Shutdown();
  std::remove(socket.c_str());
  return 0;
}

}  // namespace
}  // namespace bpfwarden::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return bpfwarden::bench::Main();
}
