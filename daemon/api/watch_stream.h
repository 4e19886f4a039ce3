// Maps.Watch over gRPC's callback API: a reactor per call, subscribed to
// the core's MapWatchHub. No thread waits on a slow reader: the hub keeps
// that reader's changes coalesced and the reactor writes when gRPC says
// the previous message has gone.
#ifndef BPFWARDEN_DAEMON_API_WATCH_STREAM_H_
#define BPFWARDEN_DAEMON_API_WATCH_STREAM_H_

#include "daemon/api/api_context.h"
#include "grpcpp/support/server_callback.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

// The reactor serving one Watch call (it finishes at once with the error
// when the request is bad, refused or over the stream caps).
grpc::ServerWriteReactor<v1::WatchResponse>* StartWatch(
    ApiContext* api, grpc::CallbackServerContext* ctx,
    const v1::WatchRequest* req);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_WATCH_STREAM_H_
