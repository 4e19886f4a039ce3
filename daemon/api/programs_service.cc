#include "daemon/api/programs_service.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/strings/str_cat.h"
#include "daemon/api/audited_call.h"
#include "daemon/api/convert.h"
#include "daemon/api/grpc_status.h"
#include "daemon/api/unary_call.h"
#include "daemon/core/admin_scope.h"
#include "daemon/core/names.h"

namespace bpfwarden::api {
namespace {

using policy::Operation;
using policy::Resource;

Resource SetResource(const std::string& name) {
  return Resource{name, std::nullopt};
}

// A non-root administrator's limits over `set`, from the policy (whose
// names were checked when it was loaded); nullopt for root.
std::optional<std::vector<AdminScope>> ScopesOf(const ApiContext& api,
                                                const policy::Identity& who,
                                                const std::string& set) {
  std::optional<std::vector<policy::AdminLimits>> limits =
      api.policy()->AdminLimitsFor(who, set);
  if (!limits.has_value()) return std::nullopt;
  std::vector<AdminScope> scopes;
  for (const policy::AdminLimits& l : *limits) {
    AdminScope& scope = scopes.emplace_back();
    scope.cgroup_subtree = l.cgroup_subtree;
    scope.quotas = AdminQuotas::WithDefaults(
        l.max_sets, l.max_maps, l.max_map_bytes, l.max_saved_objects);
    for (const std::string& t : l.program_types) {
      if (auto type = ParseProgType(t); type.ok())
        scope.program_types.push_back(*type);
    }
    for (const std::string& t : l.attach_types) {
      if (auto type = ParseCgroupAttachType(t); type.ok())
        scope.attach_types.push_back(*type);
    }
  }
  return scopes;
}

// What `who` may see of `set`: everything with ADMIN on it; otherwise only
// the maps it may read, and no pin paths, object paths or verifier log.
ProgramSetInfo VisiblePart(const ApiContext& api, const policy::Identity& who,
                           ProgramSetInfo set) {
  if (api.Allows(who, Operation::kAdmin, SetResource(set.name))) return set;
  std::vector<MapInfo> readable;
  for (MapInfo& map : set.maps) {
    if (!api.Allows(who, Operation::kRead, Resource{set.name, map.name})) {
      continue;
    }
    map.pin_path.clear();
    readable.push_back(std::move(map));
  }
  set.maps = std::move(readable);
  set.pin_dir.clear();
  set.objects.clear();
  set.verifier_log.clear();
  return set;
}

// An attachment by systemd unit, through the systemd adapter. A unit's
// cgroup is known only once it runs, so an administrator limited to a
// cgroup subtree may not attach by unit.
absl::StatusOr<AttachmentInfo> AttachUnit(ApiContext& api,
                                          const v1::Attachment& spec,
                                          bool scoped) {
  if (scoped) {
    return absl::PermissionDeniedError(
        "Attachments.Attach: an ADMIN rule limited to a cgroup subtree does "
        "not cover attaching by systemd unit");
  }
  if (!api.attach_unit()) {
    return absl::FailedPreconditionError(
        "attaching by unit needs the systemd bus (--systemd_bus)");
  }
  return api.attach_unit()(spec);
}

// What a non-root caller hears of attachment `id` when there is none or it
// may not detach it: the same for both, so ids it has no grant on are not
// told apart from ids that do not exist.
absl::Status NotDetachable(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("Attachments.Detach: no attachment ",
                                          id, " that this caller may detach"));
}

// An ADMIN call runs on the ADMIN queue, off gRPC's threads. A caller the
// policy grants no ADMIN anywhere takes no place there: its body runs
// here, where its authorization refuses (and audits) it at once.
grpc::ServerUnaryReactor* RunAdmin(ApiContext& api,
                                   grpc::CallbackServerContext* ctx,
                                   absl::AnyInvocable<grpc::Status() &&> body) {
  absl::StatusOr<policy::Identity> who = api.Caller(*ctx);
  if (!who.ok() || !api.policy()->GrantsAny(*who, Operation::kAdmin)) {
    return Finished(ctx, std::move(body)());
  }
  return FinishedOn(api.admin(), ctx, std::move(body));
}

}  // namespace

grpc::ServerUnaryReactor* ProgramsService::Load(
    grpc::CallbackServerContext* ctx, const v1::LoadRequest* req,
    v1::LoadResponse* resp) {
  return RunAdmin(*api_, ctx, [=] { return DoLoad(ctx, req, resp); });
}

grpc::ServerUnaryReactor* ProgramsService::Unload(
    grpc::CallbackServerContext* ctx, const v1::UnloadRequest* req,
    v1::UnloadResponse* resp) {
  return RunAdmin(*api_, ctx, [=] { return DoUnload(ctx, req, resp); });
}

grpc::ServerUnaryReactor* ProgramsService::List(
    grpc::CallbackServerContext* ctx, const v1::ListProgramSetsRequest* req,
    v1::ListProgramSetsResponse* resp) {
  return Finished(ctx, DoList(ctx, req, resp));
}

grpc::ServerUnaryReactor* ProgramsService::Get(
    grpc::CallbackServerContext* ctx, const v1::GetProgramSetRequest* req,
    v1::ProgramSetInfo* resp) {
  return Finished(ctx, DoGet(ctx, req, resp));
}

grpc::ServerUnaryReactor* AttachmentsService::Attach(
    grpc::CallbackServerContext* ctx, const v1::AttachRequest* req,
    v1::AttachResponse* resp) {
  return RunAdmin(*api_, ctx, [=] { return DoAttach(ctx, req, resp); });
}

grpc::ServerUnaryReactor* AttachmentsService::Detach(
    grpc::CallbackServerContext* ctx, const v1::DetachRequest* req,
    v1::DetachResponse* resp) {
  return RunAdmin(*api_, ctx, [=] { return DoDetach(ctx, req, resp); });
}

grpc::ServerUnaryReactor* AttachmentsService::List(
    grpc::CallbackServerContext* ctx, const v1::ListAttachmentsRequest* req,
    v1::ListAttachmentsResponse* resp) {
  return Finished(ctx, DoList(ctx, req, resp));
}

grpc::Status ProgramsService::DoLoad(const grpc::ServerContextBase* ctx,
                                     const v1::LoadRequest* req,
                                     v1::LoadResponse* resp) {
  const v1::ProgramSet& spec = req->program_set();
  Resource what = SetResource(spec.name());
  auto who = api_->Authorize(*ctx, Operation::kAdmin, what, "Programs.Load");
  if (!who.ok()) return ToGrpc(who.status());
  const bool root = who->IsRoot();
  std::optional<std::vector<AdminScope>> scopes =
      ScopesOf(*api_, *who, spec.name());
  std::string owner = who->Principal();
  AuditedCall audit(*std::move(who), "Programs.Load", what);
  // The daemon reads object paths with its own privileges: only root may
  // name files; others upload the object bytes.
  if (!root && spec.objects_size() > 0) {
    return audit.Finish(absl::PermissionDeniedError(
        "Programs.Load: only root may name object files on the daemon's "
        "host; send the object in object_blobs"));
  }
  LoadOptions options;
  options.replace_maps = req->replace_maps();
  options.want_verifier_log = req->want_verifier_log();
  options.object_blobs.assign(req->object_blobs().begin(),
                              req->object_blobs().end());
  options.origin = Origin::kRuntime;
  options.admin_scopes = std::move(scopes);
  options.owner = std::move(owner);
  absl::StatusOr<ProgramSetInfo> set = api_->warden().Load(spec, options);
  if (!set.ok()) return audit.Finish(set.status());
  *resp->mutable_program_set() = ToProto(*set);
  return audit.Finish(absl::OkStatus());
}

grpc::Status ProgramsService::DoUnload(const grpc::ServerContextBase* ctx,
                                       const v1::UnloadRequest* req,
                                       v1::UnloadResponse* resp) {
  Resource what = SetResource(req->name());
  auto who = api_->Authorize(*ctx, Operation::kAdmin, what, "Programs.Unload");
  if (!who.ok()) return ToGrpc(who.status());
  std::optional<std::vector<AdminScope>> scopes =
      ScopesOf(*api_, *who, req->name());
  AuditedCall audit(*std::move(who), "Programs.Unload", what);
  const MapPins pins = req->unpin_maps() ? MapPins::kRemove : MapPins::kKeep;
  return audit.Finish(
      scopes.has_value()
          ? api_->warden().UnloadScoped(req->name(), pins, *scopes)
          : api_->warden().Unload(req->name(), pins));
}

grpc::Status ProgramsService::DoList(const grpc::ServerContextBase* ctx,
                                     const v1::ListProgramSetsRequest* req,
                                     v1::ListProgramSetsResponse* resp) {
  absl::StatusOr<policy::Identity> who = api_->Caller(*ctx);
  if (!who.ok()) return ToGrpc(who.status());
  for (const ProgramSetInfo& set : api_->warden().ListSets()) {
    if (api_->Allows(*who, Operation::kRead, SetResource(set.name))) {
      *resp->add_program_sets() = ToProto(VisiblePart(*api_, *who, set));
    }
  }
  return grpc::Status::OK;
}

grpc::Status ProgramsService::DoGet(const grpc::ServerContextBase* ctx,
                                    const v1::GetProgramSetRequest* req,
                                    v1::ProgramSetInfo* resp) {
  auto who = api_->Authorize(*ctx, Operation::kRead, SetResource(req->name()),
                             "Programs.Get");
  if (!who.ok()) return ToGrpc(who.status());
  absl::StatusOr<ProgramSetInfo> set = api_->warden().GetSet(req->name());
  if (!set.ok()) return ToGrpc(set.status());
  *resp = ToProto(VisiblePart(*api_, *who, *std::move(set)));
  return grpc::Status::OK;
}

grpc::Status AttachmentsService::DoAttach(const grpc::ServerContextBase* ctx,
                                          const v1::AttachRequest* req,
                                          v1::AttachResponse* resp) {
  const v1::Attachment& spec = req->attachment();
  Resource what = SetResource(spec.program_set());
  const std::string& where = spec.unit().empty() ? spec.cgroup() : spec.unit();
  auto who = api_->Authorize(*ctx, Operation::kAdmin, what,
                             "Attachments.Attach", where);
  if (!who.ok()) return ToGrpc(who.status());
  std::optional<std::vector<AdminScope>> scopes =
      ScopesOf(*api_, *who, spec.program_set());
  AuditedCall audit(*std::move(who), "Attachments.Attach", what,
                    absl::StrCat(spec.program(), " -> ", where));
  absl::StatusOr<AttachmentInfo> attached =
      !spec.unit().empty() ? AttachUnit(*api_, spec, scopes.has_value())
      : scopes.has_value() ? api_->warden().AttachScoped(spec, *scopes)
                           : api_->warden().Attach(spec, Origin::kRuntime);
  if (attached.ok()) *resp->mutable_attachment() = ToProto(*attached);
  return audit.Finish(attached.status());
}

grpc::Status AttachmentsService::DoDetach(const grpc::ServerContextBase* ctx,
                                          const v1::DetachRequest* req,
                                          v1::DetachResponse* resp) {
  const std::string& id = req->id();
  if (id.empty()) return ToGrpc(absl::InvalidArgumentError("id: required"));
  absl::StatusOr<policy::Identity> who = api_->Caller(*ctx);
  // No ADMIN grant at all: refused before anything is looked up.
  if (!who.ok() || !api_->policy()->GrantsAny(*who, Operation::kAdmin)) {
    return ToGrpc(api_->Authorize(*ctx, Operation::kAdmin, SetResource(""),
                                  "Attachments.Detach", id)
                      .status());
  }
  const bool root = who->IsRoot();
  // The attachment's set and scope decide who may detach it. The core asks
  // under the lock hold that detaches, so the attachment judged is the one
  // detached.
  std::optional<AuditedCall> audit;
  bool refused = false;
  absl::Status status =
      api_->warden().Detach(id, [&](const AttachmentInfo& found) {
        Resource what = SetResource(found.program_set);
        auto allowed = api_->Authorize(*ctx, Operation::kAdmin, what,
                                       "Attachments.Detach", id);
        refused = !allowed.ok();
        if (refused) return allowed.status();
        std::optional<std::vector<AdminScope>> scopes =
            ScopesOf(*api_, *allowed, found.program_set);
        audit.emplace(*std::move(allowed), "Attachments.Detach",
                      std::move(what), id);
        if (!scopes.has_value()) return absl::OkStatus();
        absl::Status in = CheckAttachedScope(
            *scopes, found.attach_type, found.cgroup, found.unit,
            api_->warden().options().cgroup2_mount);
        refused = !in.ok();
        if (refused) audit->Finish(in);
        return in;
      });
  // Refused (audited above) and not found look the same to the caller.
  if (refused) return ToGrpc(NotDetachable(id));
  if (!audit.has_value()) {  // not asked: no such attachment
    audit.emplace(*std::move(who), "Attachments.Detach", SetResource(""), id);
    if (absl::IsNotFound(status) && !root) status = NotDetachable(id);
  }
  return audit->Finish(status);
}

grpc::Status AttachmentsService::DoList(const grpc::ServerContextBase* ctx,
                                        const v1::ListAttachmentsRequest* req,
                                        v1::ListAttachmentsResponse* resp) {
  absl::StatusOr<policy::Identity> who = api_->Caller(*ctx);
  if (!who.ok()) return ToGrpc(who.status());
  std::optional<std::string> cgroup;
  if (!req->cgroup().empty()) {
    // Resolving a path is a look at the host: only for callers the policy
    // grants some READ, and audited when refused.
    if (!api_->policy()->GrantsAny(*who, Operation::kRead)) {
      return ToGrpc(api_->Authorize(*ctx, Operation::kRead, SetResource(""),
                                    "Attachments.List", req->cgroup())
                        .status());
    }
    cgroup = req->cgroup();
  }
  absl::StatusOr<std::vector<AttachmentInfo>> all =
      api_->warden().ListAttachments(cgroup);
  if (!all.ok()) return ToGrpc(all.status());
  for (const AttachmentInfo& a : *all) {
    if (!a.ours && !req->include_foreign()) continue;
    // Foreign attachments belong to no set: a rule for "*" covers them.
    std::string set = a.ours ? a.program_set : "";
    if (api_->Allows(*who, Operation::kRead, SetResource(set))) {
      *resp->add_attachments() = ToProto(a);
    }
  }
  return grpc::Status::OK;
}

}  // namespace bpfwarden::api
