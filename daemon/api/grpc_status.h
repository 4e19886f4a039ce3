// absl::Status <-> grpc::Status, code for code.
#ifndef BPFWARDEN_DAEMON_API_GRPC_STATUS_H_
#define BPFWARDEN_DAEMON_API_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace bpfwarden::api {

// The same code (the two enums share their numbering) and message.
grpc::Status ToGrpc(const absl::Status& status);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_GRPC_STATUS_H_
