// A server-stream reactor that only reports an error: what a stream method
// returns when the request is bad, refused or over a cap.
#ifndef BPFWARDEN_DAEMON_API_FAILED_STREAM_H_
#define BPFWARDEN_DAEMON_API_FAILED_STREAM_H_

#include "absl/status/status.h"
#include "daemon/api/grpc_status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace bpfwarden::api {

template <typename Message>
class FailedStream : public grpc::ServerWriteReactor<Message> {
 public:
  explicit FailedStream(const absl::Status& status) {
    this->Finish(ToGrpc(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_FAILED_STREAM_H_
