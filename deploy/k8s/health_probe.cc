// bpfwarden-health SOCKET: asks the daemon's gRPC health service
// (grpc.health.v1.Health/Check, service "") on its Unix socket. Exit 0 when
// SERVING, 1 otherwise (the status or the error on stderr). The kubelet's
// exec probes run it: the daemon serves no plaintext TCP port for a grpc
// probe.
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace {

// HealthCheckResponse is one enum field (1); SERVING is 1. The request for
// the whole server (service "") is the empty message.
constexpr char kServing[] = {0x08, 0x01};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bpfwarden-health SOCKET\n";
    return 2;
  }
  auto channel = grpc::CreateChannel(std::string("unix:") + argv[1],
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  grpc::Slice empty;
  grpc::ByteBuffer request(&empty, 1);  // HealthCheckRequest{service: ""}
  grpc::ByteBuffer response;
  grpc::Status status;
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &request, &response, [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = std::move(s);
                   done = true;
                   done_cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mu);
  done_cv.wait(lock, [&] { return done; });
  if (!status.ok()) {
    std::cerr << "health check: " << status.error_message() << "\n";
    return 1;
  }
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return 1;
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (bytes != std::string(kServing, sizeof(kServing))) {
    std::cerr << "health check: not SERVING\n";
    return 1;
  }
  std::cout << "SERVING\n";
  return 0;
}
