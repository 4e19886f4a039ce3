// bpfwarden.v1.Programs and bpfwarden.v1.Attachments: the core's program
// sets and cgroup attachments.
#ifndef BPFWARDEN_DAEMON_API_PROGRAMS_SERVICE_H_
#define BPFWARDEN_DAEMON_API_PROGRAMS_SERVICE_H_

#include "daemon/api/api_context.h"
#include "proto/api.grpc.pb.h"

namespace bpfwarden::api {

class ProgramsService final : public v1::Programs::Service {
 public:
  explicit ProgramsService(ApiContext* api) : api_(api) {}

  grpc::Status Load(grpc::ServerContext* ctx, const v1::LoadRequest* req,
                    v1::LoadResponse* resp) override;
  grpc::Status Unload(grpc::ServerContext* ctx, const v1::UnloadRequest* req,
                      v1::UnloadResponse* resp) override;
  grpc::Status List(grpc::ServerContext* ctx,
                    const v1::ListProgramSetsRequest* req,
                    v1::ListProgramSetsResponse* resp) override;
  grpc::Status Get(grpc::ServerContext* ctx,
                   const v1::GetProgramSetRequest* req,
                   v1::ProgramSetInfo* resp) override;

 private:
  ApiContext* const api_;
};

class AttachmentsService final : public v1::Attachments::Service {
 public:
  explicit AttachmentsService(ApiContext* api) : api_(api) {}

  grpc::Status Attach(grpc::ServerContext* ctx, const v1::AttachRequest* req,
                      v1::AttachResponse* resp) override;
  grpc::Status Detach(grpc::ServerContext* ctx, const v1::DetachRequest* req,
                      v1::DetachResponse* resp) override;
  grpc::Status List(grpc::ServerContext* ctx,
                    const v1::ListAttachmentsRequest* req,
                    v1::ListAttachmentsResponse* resp) override;

 private:
  ApiContext* const api_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_PROGRAMS_SERVICE_H_
