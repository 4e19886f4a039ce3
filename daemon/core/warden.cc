// The Warden's calls that change programs and attachments, its creation and
// shutdown. Start and Reconcile are in warden_reconcile.cc, the queries in
// warden_queries.cc, the map handles in warden_maps.cc; the work itself in
// loaded_set, attachment, pinned_links and warden_state.
#include "daemon/core/warden.h"

#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"
#include "daemon/base/status_list.h"
#include "daemon/core/attachment.h"
#include "daemon/core/cgroup.h"
#include "daemon/core/foreign_attachments.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/names.h"
#include "daemon/core/resolve_attachment.h"
#include "daemon/core/warden_state.h"

namespace bpfwarden {
absl::StatusOr<std::unique_ptr<Warden>> Warden::Create(WardenOptions options) {
  if (options.cgroup2_mount.empty()) {
    absl::StatusOr<std::string> mount = FindCgroup2Mount();
    if (!mount.ok()) return mount.status();
    options.cgroup2_mount = *mount;
  }
  // Parents as bpffs makes them; the pin root itself root-only.
  std::error_code ec;
  std::filesystem::create_directories(
      std::filesystem::path(options.pin_root).parent_path(), ec);
  if (::mkdir(options.pin_root.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno,
                       absl::StrCat("create pin root ", options.pin_root));
  }
  struct statfs fs;
  if (::statfs(options.pin_root.c_str(), &fs) != 0) {
    return ErrnoStatus(errno, absl::StrCat("statfs ", options.pin_root));
  }
  if (static_cast<unsigned long>(fs.f_type) != BPF_FS_MAGIC) {
    return absl::FailedPreconditionError(
        absl::StrCat("pin root ", options.pin_root,
                     " is not on a bpf filesystem; mount one (mount -t bpf bpf "
                     "/sys/fs/bpf)"));
  }
  return std::unique_ptr<Warden>(new Warden(std::move(options)));
}

Warden::Warden(WardenOptions options)
    : options_(std::move(options)),
      layout_(options_.pin_root, options_.state_dir) {}

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
  std::vector<std::string> orphans;
  for (auto& [id, att] : attachments_) {
    if (att->info().program_set != name) continue;
    absl::Status moved = att->MoveTo(fresh->obj.get());
    if (!moved.ok()) {
      BPFWARDEN_LOG(WARNING)
          << "reload " << name << ": " << moved << "; detaching " << id;
      orphans.push_back(id);
    }
  }
  for (const std::string& id : orphans) {
    absl::Status s = DetachLocked(id, LinkRelease::kDetach);
    if (!s.ok()) BPFWARDEN_LOG(ERROR) << "reload " << name << ": " << s;
  }
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
  for (const auto& [id, att] : attachments_) {
    const AttachmentInfo& a = att->info();
    if (a.program_set == set.info.name &&
        !CheckAttachedScope(scopes, a.attach_type, a.cgroup, a.unit,
                            options_.cgroup2_mount)
             .ok()) {
      ++outside;
    }
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
  std::vector<std::string> ids;
  for (const auto& [id, att] : attachments_) {
    if (att->info().program_set == name) ids.push_back(id);
  }
  StatusList errors;
  for (const std::string& id : ids) {
    errors.Add(DetachLocked(id, LinkRelease::kDetach));
  }
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
  if (attachments_.count(r->id)) {
    return absl::AlreadyExistsError(
        absl::StrCat("program ", spec.program(), " of set ", spec.program_set(),
                     " is already attached to ", r->cgroup, " as ",
                     AttachTypeName(r->type), " (attachment ", r->id, ")"));
  }
  const ExistingPin existing = known_pinned_.count(r->id) > 0
                                   ? ExistingPin::kAdopt
                                   : ExistingPin::kReplace;
  absl::StatusOr<std::unique_ptr<Attachment>> att =
      Attachment::Make(*r, spec, origin, existing, layout_);
  if (!att.ok()) return att.status();
  AttachmentInfo result = (*att)->info();
  attachments_[r->id] = *std::move(att);
  return result;
}

absl::Status Warden::Detach(absl::string_view id) {
  return Detach(id, [](const AttachmentInfo&) { return absl::OkStatus(); });
}

absl::Status Warden::Detach(
    absl::string_view id,
    absl::FunctionRef<absl::Status(const AttachmentInfo&)> authorize) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  if (auto it = attachments_.find(std::string(id)); it != attachments_.end()) {
    const AttachmentInfo& info = it->second->info();
    if (absl::Status s = authorize(info); !s.ok()) return s;
    if (info.origin == Origin::kConfig) {
      return DeclaredInConfig(absl::StrCat("attachment ", id, " (",
                                           info.program_set, "/", info.program,
                                           " on ", info.cgroup, ")"));
    }
  }
  const bool known = attachments_.count(std::string(id)) > 0;
  absl::Status s = DetachLocked(std::string(id), LinkRelease::kDetach);
  if (known) PersistOrLogLocked();
  return s;
}

absl::Status Warden::DetachLocked(const std::string& id, LinkRelease policy) {
  auto it = attachments_.find(id);
  if (it == attachments_.end()) {
    return absl::NotFoundError(absl::StrCat("no attachment with id ", id));
  }
  std::unique_ptr<Attachment> att = std::move(it->second);
  attachments_.erase(it);
  return att->Release(policy);
}

// ------------------------------------------------------ state and shutdown

absl::Status Warden::PersistLocked(PinnedLinksInState links) {
  if (!layout_.has_state_dir()) return absl::OkStatus();
  return WriteStateFile(layout_, StateOf(sets_, attachments_, links));
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
  std::vector<std::string> ids;
  for (const auto& [id, att] : attachments_) ids.push_back(id);
  int failed = 0;
  for (const std::string& id : ids) {
    absl::Status released = DetachLocked(id, pinned_links);
    if (!released.ok()) ++failed;
    errors.Add(released);
  }
  CloseMaps();
  for (const auto& [name, set] : sets_) UnpublishLogs(name);
  sets_.clear();
  shut_down_ = true;
  BPFWARDEN_LOG(INFO) << "shut down: " << ids.size() << " attachments released"
                      << (failed > 0 ? absl::StrCat(" (", failed, " failed)")
                                     : "")
                      << "; maps stay pinned";
  return errors.Joined();
}

}  // namespace bpfwarden
