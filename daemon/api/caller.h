// The identity behind a gRPC call.
#ifndef BPFWARDEN_DAEMON_API_CALLER_H_
#define BPFWARDEN_DAEMON_API_CALLER_H_

#include "absl/status/statusor.h"
#include "daemon/api/peer_registry.h"
#include "daemon/policy/identity.h"
#include "grpcpp/server_context.h"

namespace bpfwarden::api {

// A Unix-socket connection ("fd:N") by its registered SO_PEERCRED identity;
// a TLS connection by its verified client certificate (subject, CN, SANs).
// Anything else is Unauthenticated. Nothing the client sends (metadata,
// fields) is consulted.
absl::StatusOr<policy::Identity> CallerIdentity(
    const grpc::ServerContextBase& ctx, const PeerRegistry& peers);

// The fd in a peer string "fd:N", or -1.
int FdOfPeer(const std::string& peer);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_CALLER_H_
