// absl::Status <-> grpc::Status, code for code.
#ifndef BPFWARDEN_DAEMON_API_GRPC_STATUS_H_
#define BPFWARDEN_DAEMON_API_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace bpfwarden::api {

// Most bytes a status message takes in the grpc-message trailer. A client
// refuses metadata over 8 KiB (gRPC's default), and then hears
// RESOURCE_EXHAUSTED instead of the error: a request naming a 64 KiB set
// would have the daemon echo it back.
inline constexpr size_t kMaxEncodedMessage = 6 << 10;

// `message`, cut where its encoding in the trailer would pass
// kMaxEncodedMessage, saying how much was cut.
std::string MessageForTrailer(absl::string_view message);

// The same code (the two enums share their numbering) and message (cut
// by MessageForTrailer).
grpc::Status ToGrpc(const absl::Status& status);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_GRPC_STATUS_H_
