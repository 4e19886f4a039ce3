#include "daemon/api/unary_call.h"

#include <utility>

#include "daemon/api/grpc_status.h"
#include "grpcpp/server_context.h"

namespace bpfwarden::api {

grpc::ServerUnaryReactor* Finished(grpc::CallbackServerContext* ctx,
                                   grpc::Status status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

grpc::ServerUnaryReactor* FinishedOn(
    TaskQueue& queue, grpc::CallbackServerContext* ctx,
    absl::AnyInvocable<grpc::Status() &&> body) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  absl::Status queued = queue.Post([reactor, body = std::move(body)]() mutable {
    reactor->Finish(std::move(body)());
  });
  if (!queued.ok()) reactor->Finish(ToGrpc(queued));
  return reactor;
}

}  // namespace bpfwarden::api
