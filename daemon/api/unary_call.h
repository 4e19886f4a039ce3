// Ending callback unary calls: at once, or from the daemon's own threads
// for work that may block (the verifier, the kernel, systemd).
#ifndef BPFWARDEN_DAEMON_API_UNARY_CALL_H_
#define BPFWARDEN_DAEMON_API_UNARY_CALL_H_

#include "absl/functional/any_invocable.h"
#include "daemon/base/task_queue.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace bpfwarden::api {

// Ends the call with `status` (the handler's work done on the gRPC thread
// that received it).
grpc::ServerUnaryReactor* Finished(grpc::CallbackServerContext* ctx,
                                   grpc::Status status);

// Runs `body` on `queue` and ends the call with its status there; when the
// queue is full, ends it at once with RESOURCE_EXHAUSTED. The call's
// request and response stay valid until it ends, so `body` may use them.
grpc::ServerUnaryReactor* FinishedOn(
    TaskQueue& queue, grpc::CallbackServerContext* ctx,
    absl::AnyInvocable<grpc::Status() &&> body);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_UNARY_CALL_H_
