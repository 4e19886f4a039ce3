// The Warden's calls that change programs and attachments, its creation and
// shutdown. Start and Reconcile are in warden_reconcile.cc, the queries in
// warden_queries.cc, the map handles in warden_maps.cc; the work itself in
// loaded_set, attachment_table (our attachments), pin_root, pinned_links and
// warden_state.
#include "daemon/core/warden.h"

#include "absl/strings/str_cat.h"
#include "daemon/base/log.h"
#include "daemon/base/status_list.h"
#include "daemon/core/attachment.h"
#include "daemon/core/cgroup.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/names.h"
#include "daemon/core/pin_root.h"
#include "daemon/core/resolve_attachment.h"
#include "daemon/core/warden_state.h"

namespace bpfwarden {

absl::StatusOr<std::unique_ptr<Warden>> Warden::Create(WardenOptions options) {
  if (options.cgroup2_mount.empty()) {
    absl::StatusOr<std::string> mount = FindCgroup2Mount();
    if (!mount.ok()) return mount.status();
    options.cgroup2_mount = *mount;
  }
  if (absl::Status s = CreatePinRoot(options.pin_root); !s.ok()) return s;
  return std::unique_ptr<Warden>(new Warden(std::move(options)));
}

Warden::Warden(WardenOptions options)
    : options_(std::move(options)),
      layout_(options_.pin_root, options_.state_dir),
      attachments_(layout_) {}

Warden::~Warden() {
  absl::Status s = Shutdown(LinkRelease::kDetach);
  if (!s.ok()) BPFWARDEN_LOG(ERROR) << "shutdown: " << s;
}

absl::Status Warden::ShuttingDown() {
  return absl::FailedPreconditionError("the daemon is shutting down");
}

absl::Status Warden::CheckRunning() const {
  if (shut_down_) return ShuttingDown();
  return absl::OkStatus();
}

absl::Status Warden::DeclaredInConfig(const std::string& what) const {
  const std::string dir =
      options_.config_dir.empty()
          ? "the configuration directory"
          : absl::StrCat("the configuration (", options_.config_dir, ")");
  return absl::FailedPreconditionError(absl::StrCat(
      what, " is declared in ", dir, "; remove it there and reload (SIGHUP)"));
}

// ---------------------------------------------------------------- programs

absl::StatusOr<ProgramSetInfo> Warden::Load(const v1::ProgramSet& spec,
                                            const LoadOptions& options) {
  return BuildSet(SetBuild::kLoad, spec, options,
                  /*persist=*/options.origin == Origin::kRuntime);
}

absl::StatusOr<ProgramSetInfo> Warden::Reload(const v1::ProgramSet& spec,
                                              const LoadOptions& options) {
  return BuildSet(SetBuild::kReload, spec, options, /*persist=*/true);
}

absl::StatusOr<ProgramSetInfo> Warden::BuildSet(SetBuild kind,
                                                const v1::ProgramSet& spec,
                                                const LoadOptions& options,
                                                bool persist) {
  std::optional<QuotaCheck> quota;
  {
    absl::MutexLock lock(&mu_);
    absl::Status may = kind == SetBuild::kLoad ? MayLoadLocked(spec, options)
                                               : MayReloadLocked(spec.name());
    if (!may.ok()) return may;
    if (kind == SetBuild::kLoad) {
      absl::StatusOr<std::optional<QuotaCheck>> q =
          QuotaBeforeBuildLocked(spec, options);
      if (!q.ok()) return q.status();
      quota = *std::move(q);
    }
    building_.insert(spec.name());
  }
  // The untrusted part: parsing, linking, the verifier. A reload's new
  // version loads beside the old one, reusing its pinned maps; on failure
  // the old one stays as it was.
  absl::StatusOr<std::unique_ptr<LoadedSet>> built;
  {
    absl::MutexLock one_at_a_time(&build_mu_);
    built = BuildLoadedSet(spec, options, layout_, options_.platform,
                           quota.has_value() ? &*quota : nullptr);
  }
  absl::MutexLock lock(&mu_);
  building_.erase(spec.name());
  if (!built.ok()) return built.status();
  if (quota.has_value()) {
    if (absl::Status s = QuotaAtCommitLocked(*quota, **built); !s.ok()) {
      return s;  // the build's pins go with it
    }
  }
  // A set not committed (Shutdown came first) takes its pins with it.
  if (absl::Status s = CheckRunning(); !s.ok()) {
    BPFWARDEN_LOG(INFO) << "set " << spec.name()
                        << " was built after shutdown; closed unused";
    return s;
  }
  absl::StatusOr<ProgramSetInfo> info =
      kind == SetBuild::kLoad ? CommitLoadLocked(*std::move(built))
                              : CommitReloadLocked(*std::move(built));
  if (info.ok() && persist) PersistOrLogLocked();
  return info;
}

absl::Status Warden::MayLoadLocked(const v1::ProgramSet& spec,
                                   const LoadOptions& options) const {
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  if (absl::Status s = ValidateSetName(spec.name()); !s.ok()) return s;
  if (options.origin == Origin::kRuntime &&
      config_set_names_.count(spec.name())) {
    return DeclaredInConfig(absl::StrCat(
        "program set ", spec.name(),
        " (a runtime load may not take the name of a configured set)"));
  }
  if (sets_.count(spec.name())) {
    return absl::AlreadyExistsError(
        absl::StrCat("program set ", spec.name(),
                     " is already loaded; unload or reload it"));
  }
  if (building_.count(spec.name())) {
    return absl::AlreadyExistsError(absl::StrCat(
        "program set ", spec.name(), " is being loaded by another request"));
  }
  return absl::OkStatus();
}

absl::Status Warden::MayReloadLocked(const std::string& name) const {
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  if (!sets_.count(name)) {
    return absl::NotFoundError(absl::StrCat("no program set named ", name));
  }
  return CheckNotBuildingLocked(name);
}

absl::Status Warden::CheckNotBuildingLocked(const std::string& name) const {
  if (!building_.count(name)) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("program set ", name,
                   " is being loaded or reloaded; try again once that "
                   "returns"));
}

absl::StatusOr<ProgramSetInfo> Warden::CommitLoadLocked(
    std::unique_ptr<LoadedSet> set) {
  const std::string name = set->info.name;
  ProgramSetInfo result = CommitBuiltSet(*set);
  PublishMaps(name, set->maps);
  PublishLogs(*set);
  sets_[name] = std::move(set);
  return result;
}

absl::StatusOr<ProgramSetInfo> Warden::CommitReloadLocked(
    std::unique_ptr<LoadedSet> fresh) {
  const std::string name = fresh->info.name;
  // The name was reserved: no Unload took the old version meanwhile.
  auto old = sets_.find(name);
  if (old == sets_.end()) {
    return absl::NotFoundError(absl::StrCat("no program set named ", name));
  }
  attachments_.MoveSet(name, fresh->obj.get());
  ProgramSetInfo result = CommitBuiltSet(*fresh);
  PublishMaps(name, fresh->maps);
  PublishLogs(*fresh);
  old->second = std::move(fresh);
  BPFWARDEN_LOG(INFO) << "reloaded set " << name;
  return result;
}

absl::Status Warden::Unload(absl::string_view name, MapPins maps) {
  return UnloadChecked(name, maps, nullptr);
}

absl::Status Warden::UnloadScoped(absl::string_view name, MapPins maps,
                                  const std::vector<AdminScope>& scopes) {
  return UnloadChecked(name, maps, &scopes);
}

absl::Status Warden::CheckSetScopeLocked(
    const LoadedSet& set, const std::vector<AdminScope>& scopes) const {
  const std::string refused = absl::StrCat(
      "program set ", set.info.name, " may not be unloaded by this caller: ");
  std::vector<std::string> types;
  for (const ProgramInfo& p : set.info.programs) types.push_back(p.type);
  if (absl::Status s = CheckProgramTypeNames(scopes, types); !s.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(refused, s.message()));
  }
  // Counted, not named: the caller may not be able to see them.
  int outside = 0;
  for (const AttachmentInfo& a : attachments_.OfSet(set.info.name)) {
    outside += !CheckAttachedScope(scopes, a.attach_type, a.cgroup, a.unit,
                                   options_.cgroup2_mount)
                    .ok();
  }
  if (outside == 0) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      refused, outside,
      " of its attachments lie outside the cgroup subtree or attach types "
      "the policy allows it; they must be detached first"));
}

absl::Status Warden::UnloadChecked(absl::string_view name, MapPins maps,
                                   const std::vector<AdminScope>* scopes) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  if (auto it = sets_.find(std::string(name)); it != sets_.end()) {
    if (it->second->info.origin == Origin::kConfig) {
      return DeclaredInConfig(absl::StrCat("program set ", name));
    }
    if (scopes != nullptr) {
      absl::Status s = CheckSetScopeLocked(*it->second, *scopes);
      if (!s.ok()) return s;
    }
  }
  const bool loaded = sets_.count(std::string(name)) > 0;
  absl::Status s = UnloadLocked(std::string(name), maps);
  if (loaded && !absl::IsAborted(s)) PersistOrLogLocked();
  return s;
}

absl::Status Warden::UnloadLocked(const std::string& name, MapPins maps) {
  if (absl::Status s = CheckNotBuildingLocked(name); !s.ok()) return s;
  auto it = sets_.find(name);
  if (it == sets_.end()) {
    return absl::NotFoundError(absl::StrCat("no program set named ", name));
  }
  StatusList errors;
  attachments_.ReleaseSet(name, errors);
  std::unique_ptr<LoadedSet> set = std::move(it->second);
  sets_.erase(it);
  UnpublishMaps(name);
  UnpublishLogs(name);
  set->obj.reset();  // closes the programs and this process's map FDs
  const bool unpin = maps == MapPins::kRemove;
  if (unpin) errors.Add(RemoveSetPins(layout_, set->info));
  BPFWARDEN_LOG(INFO) << "unloaded set " << name
                      << (unpin ? " and unpinned its maps"
                                : " (maps stay pinned)");
  return errors.Joined();
}

// ------------------------------------------------------------- attachments

absl::StatusOr<ResolvedAttachment> Warden::ResolveLocked(
    const v1::Attachment& spec, Origin origin) const {
  auto it = sets_.find(spec.program_set());
  if (it == sets_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no program set named ", spec.program_set()));
  }
  if (origin == Origin::kConfig && it->second->info.origin != Origin::kConfig) {
    return absl::FailedPreconditionError(absl::StrCat(
        "program set ", spec.program_set(),
        " was loaded at run time, not from the configuration: the "
        "configuration's attachment waits until that set is unloaded and the "
        "configuration reloaded"));
  }
  return ResolveAttachment(*it->second, spec, options_.cgroup2_mount);
}

absl::StatusOr<AttachmentInfo> Warden::Attach(const v1::Attachment& spec,
                                              Origin origin) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<AttachmentInfo> info = AttachLocked(spec, origin);
  if (info.ok() && (origin == Origin::kRuntime || spec.pinned())) {
    PersistOrLogLocked();
  }
  return info;
}

absl::StatusOr<AttachmentInfo> Warden::AttachScoped(
    const v1::Attachment& spec, const std::vector<AdminScope>& scopes) {
  absl::StatusOr<std::string> cgroup =
      ResolveCgroup2DirBeneath(spec.cgroup(), options_.cgroup2_mount);
  if (!cgroup.ok()) return cgroup.status();
  v1::Attachment beneath = spec;
  beneath.set_cgroup(*cgroup);
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  absl::StatusOr<ResolvedAttachment> r =
      ResolveLocked(beneath, Origin::kRuntime);
  if (!r.ok()) return r.status();
  absl::Status allowed =
      CheckAttachScope(scopes, r->type, r->cgroup, options_.cgroup2_mount);
  if (!allowed.ok()) return allowed;
  absl::StatusOr<AttachmentInfo> info = AttachLocked(beneath, Origin::kRuntime);
  if (info.ok()) PersistOrLogLocked();
  return info;
}

absl::StatusOr<AttachmentInfo> Warden::AttachLocked(const v1::Attachment& spec,
                                                    Origin origin) {
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  absl::StatusOr<ResolvedAttachment> r = ResolveLocked(spec, origin);
  if (!r.ok()) return r.status();
  return attachments_.Add(*r, spec, origin);
}

absl::Status Warden::Detach(absl::string_view id) {
  return Detach(id, [](const AttachmentInfo&) { return absl::OkStatus(); });
}

absl::Status Warden::Detach(
    absl::string_view id,
    absl::FunctionRef<absl::Status(const AttachmentInfo&)> authorize) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  const Attachment* att = attachments_.Find(id);
  if (att != nullptr) {
    const AttachmentInfo& info = att->info();
    if (absl::Status s = authorize(info); !s.ok()) return s;
    if (info.origin == Origin::kConfig) {
      return DeclaredInConfig(absl::StrCat("attachment ", id, " (",
                                           info.program_set, "/", info.program,
                                           " on ", info.cgroup, ")"));
    }
  }
  absl::Status s = attachments_.Release(std::string(id), LinkRelease::kDetach);
  if (att != nullptr) PersistOrLogLocked();
  return s;
}

// ------------------------------------------------------ state and shutdown

absl::Status Warden::PersistLocked(PinnedLinksInState links) {
  if (!layout_.has_state_dir()) return absl::OkStatus();
  return WriteStateFile(layout_, StateOf(sets_, attachments_.all(), links));
}

void Warden::PersistOrLogLocked() {
  absl::Status s = PersistLocked(PinnedLinksInState::kRecord);
  if (!s.ok()) BPFWARDEN_LOG(ERROR) << "persist state: " << s;
}

absl::Status Warden::Shutdown(LinkRelease pinned_links) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return absl::OkStatus();
  StatusList errors;
  // Record first: runtime items and, when kept, the pinned links.
  errors.Add(PersistLocked(pinned_links == LinkRelease::kKeepPinned
                               ? PinnedLinksInState::kRecord
                               : PinnedLinksInState::kOmit));
  const AttachmentTable::Released released =
      attachments_.ReleaseAll(pinned_links, errors);
  CloseMaps();
  for (const auto& [name, set] : sets_) UnpublishLogs(name);
  sets_.clear();
  shut_down_ = true;
  BPFWARDEN_LOG(INFO) << "shut down: " << released.count
                      << " attachments released"
                      << (released.failed > 0
                              ? absl::StrCat(" (", released.failed, " failed)")
                              : "")
                      << "; maps stay pinned";
  return errors.Joined();
}

}  // namespace bpfwarden
