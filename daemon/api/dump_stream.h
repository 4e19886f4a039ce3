// Maps.Dump over gRPC's callback API: a reactor per call. Each page is read
// from the kernel and encoded on the API's page queue, never on a gRPC
// thread, while the page before it is written; a client that does not read
// holds no thread, only its reactor, its stream slot and two pages.
#ifndef BPFWARDEN_DAEMON_API_DUMP_STREAM_H_
#define BPFWARDEN_DAEMON_API_DUMP_STREAM_H_

#include "daemon/api/api_context.h"
#include "grpcpp/support/server_callback.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

// The reactor serving one Dump call (it finishes at once with the error
// when the request is bad, refused or over the stream caps).
grpc::ServerWriteReactor<v1::DumpResponse>* StartDump(
    ApiContext* api, grpc::CallbackServerContext* ctx,
    const v1::DumpRequest* req);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_DUMP_STREAM_H_
