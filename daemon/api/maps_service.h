// bpfwarden.v1.Maps: typed reads and writes of the loaded sets' maps.
#ifndef BPFWARDEN_DAEMON_API_MAPS_SERVICE_H_
#define BPFWARDEN_DAEMON_API_MAPS_SERVICE_H_

#include "daemon/api/api_context.h"
#include "bpfwarden/v1/api.grpc.pb.h"

namespace bpfwarden::api {

// Every method on gRPC's callback API, so that no client holds a server
// thread. The unary ones run to their end on the gRPC thread that received
// them (each bounded: by the batch limit, or one map's information), their
// bodies in Do* functions; Dump and Watch are reactors (dump_stream.cc,
// watch_stream.cc) that no slow reader can block.
class MapsService final : public v1::Maps::CallbackService {
 public:
  explicit MapsService(ApiContext* api) : api_(api) {}

  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* ctx,
                                 const v1::ListMapsRequest* req,
                                 v1::ListMapsResponse* resp) override;
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx,
                                const v1::GetMapRequest* req,
                                v1::MapInfo* resp) override;
  grpc::ServerUnaryReactor* Lookup(grpc::CallbackServerContext* ctx,
                                   const v1::LookupRequest* req,
                                   v1::LookupResponse* resp) override;
  grpc::ServerUnaryReactor* LookupBatch(grpc::CallbackServerContext* ctx,
                                        const v1::LookupBatchRequest* req,
                                        v1::LookupBatchResponse* resp) override;
  grpc::ServerUnaryReactor* Update(grpc::CallbackServerContext* ctx,
                                   const v1::UpdateRequest* req,
                                   v1::UpdateResponse* resp) override;
  grpc::ServerUnaryReactor* Delete(grpc::CallbackServerContext* ctx,
                                   const v1::DeleteRequest* req,
                                   v1::DeleteResponse* resp) override;
  grpc::ServerWriteReactor<v1::DumpResponse>* Dump(
      grpc::CallbackServerContext* ctx, const v1::DumpRequest* req) override;
  grpc::ServerWriteReactor<v1::WatchResponse>* Watch(
      grpc::CallbackServerContext* ctx, const v1::WatchRequest* req) override;

 private:
  grpc::Status DoList(const grpc::ServerContextBase& ctx,
                      const v1::ListMapsRequest& req,
                      v1::ListMapsResponse& resp);
  grpc::Status DoGet(const grpc::ServerContextBase& ctx,
                     const v1::GetMapRequest& req, v1::MapInfo& resp);
  grpc::Status DoLookup(const grpc::ServerContextBase& ctx,
                        const v1::LookupRequest& req, v1::LookupResponse& resp);
  grpc::Status DoLookupBatch(const grpc::ServerContextBase& ctx,
                             const v1::LookupBatchRequest& req,
                             v1::LookupBatchResponse& resp);
  grpc::Status DoUpdate(const grpc::ServerContextBase& ctx,
                        const v1::UpdateRequest& req, v1::UpdateResponse& resp);
  grpc::Status DoDelete(const grpc::ServerContextBase& ctx,
                        const v1::DeleteRequest& req, v1::DeleteResponse& resp);

  ApiContext* const api_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_MAPS_SERVICE_H_
