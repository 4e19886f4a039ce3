#include "daemon/api/daemon_service.h"

#include "daemon/api/grpc_status.h"
#include "daemon/api/logs_service.h"
#include "daemon/api/unary_call.h"
#include "daemon/base/build_info.h"

namespace bpfwarden::api {

grpc::ServerUnaryReactor* DaemonService::Status(
    grpc::CallbackServerContext* ctx, const v1::StatusRequest* req,
    v1::StatusResponse* resp) {
  return Finished(ctx, DoStatus(*ctx, *req, *resp));
}

grpc::Status DaemonService::DoStatus(const grpc::ServerContextBase& ctx,
                                     const v1::StatusRequest& req,
                                     v1::StatusResponse& resp) {
  absl::StatusOr<policy::Identity> who = api_->Caller(ctx);
  if (!who.ok()) return ToGrpc(who.status());
  resp.set_version(kVersion);
  resp.set_uptime_seconds(absl::ToInt64Seconds(absl::Now() - api_->started()));
  resp.set_program_sets(api_->warden().ListSets().size());
  resp.set_maps(api_->warden().ListMaps().size());
  absl::StatusOr<std::vector<AttachmentInfo>> attachments =
      api_->warden().ListAttachments();
  if (attachments.ok()) {
    for (const AttachmentInfo& a : *attachments) {
      if (a.ours) {
        resp.set_attachments(resp.attachments() + 1);
      } else {
        resp.set_foreign_attachments(resp.foreign_attachments() + 1);
      }
    }
  }
  resp.set_kernel_release(features_.release);
  for (const KernelFeature& f : features_.features) {
    v1::KernelFeature* out = resp.add_kernel_features();
    out->set_name(f.name);
    out->set_present(f.present);
    out->set_detail(f.detail);
  }
  resp.set_caller(who->Describe());
  const std::vector<StatusList::Failure> failures =
      api_->warden().ApplyFailures();
  resp.set_apply_failure_count(failures.size());
  for (const StatusList::Failure& f : failures) {
    if (!who->IsRoot()) break;  // errors name paths and cgroups
    v1::ApplyFailure* out = resp.add_apply_failures();
    out->set_item(f.what);
    out->set_error(f.status.ToString());
  }
  if (logs_ != nullptr) {
    const std::map<std::string, uint64_t> received = logs_->Received();
    for (const auto& [set, dropped] : logs_->Drops()) {
      // Only sets whose logs the caller may read (Logs.Tail's grant).
      if (!api_->Allows(*who, policy::Operation::kRead, LogsOf(set))) {
        continue;
      }
      v1::LogCounts* counts = resp.add_logs();
      counts->set_program_set(set);
      auto r = received.find(set);
      counts->set_received(r == received.end() ? 0 : r->second);
      counts->set_dropped(dropped);
    }
  }
  AddHandles(*who, resp);
  resp.set_build_mode(BuildMode());
  return grpc::Status::OK;
}

void DaemonService::AddHandles(const policy::Identity& who,
                               v1::StatusResponse& resp) const {
  resp.set_handle_socket(handles_.socket);
  if (handles_.socket.empty()) return;
  resp.set_handles_usable(handles_.usable);
  resp.set_handles_probe(handles_.probe);
  if (handles_.stats == nullptr) return;
  for (const metrics::HandleCount& row : handles_.stats->Snapshot()) {
    // Who else asks for handles is root's to know.
    const bool own = who.kind == policy::Identity::Kind::kUnix &&
                     row.uid.has_value() && *row.uid == who.uid;
    if (!who.IsRoot() && !own) continue;
    v1::HandleCounts* out = resp.add_handle_counts();
    if (row.uid.has_value()) {
      out->set_uid(*row.uid);
    } else {
      out->set_other(true);
    }
    out->set_granted(row.granted);
    out->set_refused(row.refused);
  }
}

}  // namespace bpfwarden::api
