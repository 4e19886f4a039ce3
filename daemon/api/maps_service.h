// bpfwarden.v1.Maps: typed reads and writes of the loaded sets' maps.
#ifndef BPFWARDEN_DAEMON_API_MAPS_SERVICE_H_
#define BPFWARDEN_DAEMON_API_MAPS_SERVICE_H_

#include "daemon/api/api_context.h"
#include "proto/api.grpc.pb.h"

namespace bpfwarden::api {

class MapsService final
    : public v1::Maps::WithCallbackMethod_Watch<v1::Maps::Service> {
 public:
  explicit MapsService(ApiContext* api) : api_(api) {}

  grpc::Status List(grpc::ServerContext* ctx, const v1::ListMapsRequest* req,
                    v1::ListMapsResponse* resp) override;
  grpc::Status Get(grpc::ServerContext* ctx, const v1::GetMapRequest* req,
                   v1::MapInfo* resp) override;
  grpc::Status Lookup(grpc::ServerContext* ctx, const v1::LookupRequest* req,
                      v1::LookupResponse* resp) override;
  grpc::Status LookupBatch(grpc::ServerContext* ctx,
                           const v1::LookupBatchRequest* req,
                           v1::LookupBatchResponse* resp) override;
  grpc::Status Update(grpc::ServerContext* ctx, const v1::UpdateRequest* req,
                      v1::UpdateResponse* resp) override;
  grpc::Status Delete(grpc::ServerContext* ctx, const v1::DeleteRequest* req,
                      v1::DeleteResponse* resp) override;
  grpc::Status Dump(grpc::ServerContext* ctx, const v1::DumpRequest* req,
                    grpc::ServerWriter<v1::DumpResponse>* writer) override;
  // A callback stream (watch_stream.cc): no thread waits on a slow reader.
  grpc::ServerWriteReactor<v1::WatchResponse>* Watch(
      grpc::CallbackServerContext* ctx, const v1::WatchRequest* req) override;

 private:
  ApiContext* const api_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_MAPS_SERVICE_H_
