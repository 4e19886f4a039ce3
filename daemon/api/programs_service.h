// bpfwarden.v1.Programs and bpfwarden.v1.Attachments: the core's program
// sets and cgroup attachments.
#ifndef BPFWARDEN_DAEMON_API_PROGRAMS_SERVICE_H_
#define BPFWARDEN_DAEMON_API_PROGRAMS_SERVICE_H_

#include "daemon/api/api_context.h"
#include "bpfwarden/v1/api.grpc.pb.h"

namespace bpfwarden::api {

// Every method on gRPC's callback API. List and Get answer on the gRPC
// thread that received them; Load and Unload, which can block for long
// (the verifier, the kernel), run on the daemon's ADMIN queue
// (ApiContext::admin). Bodies are the Do* functions.
class ProgramsService final : public v1::Programs::CallbackService {
 public:
  explicit ProgramsService(ApiContext* api) : api_(api) {}

  grpc::ServerUnaryReactor* Load(grpc::CallbackServerContext* ctx,
                                 const v1::LoadRequest* req,
                                 v1::LoadResponse* resp) override;
  grpc::ServerUnaryReactor* Unload(grpc::CallbackServerContext* ctx,
                                   const v1::UnloadRequest* req,
                                   v1::UnloadResponse* resp) override;
  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* ctx,
                                 const v1::ListProgramSetsRequest* req,
                                 v1::ListProgramSetsResponse* resp) override;
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* ctx,
                                const v1::GetProgramSetRequest* req,
                                v1::ProgramSetInfo* resp) override;

 private:
  grpc::Status DoLoad(const grpc::ServerContextBase* ctx,
                      const v1::LoadRequest* req, v1::LoadResponse* resp);
  grpc::Status DoUnload(const grpc::ServerContextBase* ctx,
                        const v1::UnloadRequest* req, v1::UnloadResponse* resp);
  grpc::Status DoList(const grpc::ServerContextBase* ctx,
                      const v1::ListProgramSetsRequest* req,
                      v1::ListProgramSetsResponse* resp);
  grpc::Status DoGet(const grpc::ServerContextBase* ctx,
                     const v1::GetProgramSetRequest* req,
                     v1::ProgramSetInfo* resp);

  ApiContext* const api_;
};

// As ProgramsService: List on the gRPC thread, Attach and Detach (the
// kernel, systemd) on the ADMIN queue.
class AttachmentsService final : public v1::Attachments::CallbackService {
 public:
  explicit AttachmentsService(ApiContext* api) : api_(api) {}

  grpc::ServerUnaryReactor* Attach(grpc::CallbackServerContext* ctx,
                                   const v1::AttachRequest* req,
                                   v1::AttachResponse* resp) override;
  grpc::ServerUnaryReactor* Detach(grpc::CallbackServerContext* ctx,
                                   const v1::DetachRequest* req,
                                   v1::DetachResponse* resp) override;
  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* ctx,
                                 const v1::ListAttachmentsRequest* req,
                                 v1::ListAttachmentsResponse* resp) override;

 private:
  grpc::Status DoAttach(const grpc::ServerContextBase* ctx,
                        const v1::AttachRequest* req, v1::AttachResponse* resp);
  grpc::Status DoDetach(const grpc::ServerContextBase* ctx,
                        const v1::DetachRequest* req, v1::DetachResponse* resp);
  grpc::Status DoList(const grpc::ServerContextBase* ctx,
                      const v1::ListAttachmentsRequest* req,
                      v1::ListAttachmentsResponse* resp);

  ApiContext* const api_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_PROGRAMS_SERVICE_H_
