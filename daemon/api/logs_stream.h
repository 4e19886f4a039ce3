// Logs.Tail over gRPC's callback API: a reactor per call that writes the
// set's backlog and then, following, each record as the channel is told of
// it. No thread waits on a slow reader or on a quiet set.
#ifndef BPFWARDEN_DAEMON_API_LOGS_STREAM_H_
#define BPFWARDEN_DAEMON_API_LOGS_STREAM_H_

#include "daemon/api/api_context.h"
#include "daemon/core/bpf_log_hub.h"
#include "grpcpp/support/server_callback.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

// The reactor serving one Tail call (it finishes at once with the error
// when the request is bad, refused or over the stream caps). `logs` may be
// null: NOT_FOUND.
grpc::ServerWriteReactor<v1::LogRecord>* StartTail(
    ApiContext* api, BpfLogHub* logs, grpc::CallbackServerContext* ctx,
    const v1::TailRequest* req);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_LOGS_STREAM_H_
