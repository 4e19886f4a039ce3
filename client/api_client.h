// A connection to bpfwardend's API, with the stubs of every service.
#ifndef BPFWARDEN_CLIENT_API_CLIENT_H_
#define BPFWARDEN_CLIENT_API_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "bpfwarden/v1/api.grpc.pb.h"

namespace bpfwarden {

// gRPC's status as an absl::Status, keeping the code and message.
absl::Status FromGrpc(const grpc::Status& status);

class ApiClient {
 public:
  // `target` is a gRPC target; a bare path is taken as a Unix socket.
  explicit ApiClient(const std::string& target,
                     std::chrono::milliseconds deadline);

  // A context carrying the deadline, for one call.
  std::unique_ptr<grpc::ClientContext> Context() const;

  v1::Programs::Stub& programs() { return *programs_; }
  v1::Attachments::Stub& attachments() { return *attachments_; }
  v1::Maps::Stub& maps() { return *maps_; }
  v1::Daemon::Stub& daemon() { return *daemon_; }
  v1::Logs::Stub& logs() { return *logs_; }

 private:
  std::chrono::milliseconds deadline_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Programs::Stub> programs_;
  std::unique_ptr<v1::Attachments::Stub> attachments_;
  std::unique_ptr<v1::Maps::Stub> maps_;
  std::unique_ptr<v1::Daemon::Stub> daemon_;
  std::unique_ptr<v1::Logs::Stub> logs_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_CLIENT_API_CLIENT_H_
