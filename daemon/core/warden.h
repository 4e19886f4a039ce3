// Warden: the daemon core. Loads program sets (linked BPF objects), pins and
// reuses their maps, attaches their programs to cgroup v2 through bpf_link,
// and detaches everything it made on shutdown. Thread-safe: every public
// method may be called from any thread. One mutex serialises the calls on
// sets and attachments; a Load or Reload parses, links and verifies without
// it (the set's name reserved meanwhile; one set built at a time) and takes
// it only to check and to commit, so no query waits for the verifier. The map
// calls (OpenMap, ListMaps) take only a short shared lock of their own and
// never wait for a Load, a Reload or a kernel query. No call may be under way
// when the Warden is destroyed.
//
// Status codes, exactly:
//   NotFound           unknown set, program, map, attachment id, cgroup path,
//                      object file
//   InvalidArgument    bad names (set names are [A-Za-z0-9_-]+), not an ELF,
//                      truncated ELF, object without programs, unknown attach
//                      type, program type that does not fit the attach type,
//                      cgroup v1 path, path outside the cgroup v2 mount,
//                      unknown .rodata global or one of the wrong type/size,
//                      verifier rejection (log tail in the message, full log
//                      as the kVerifierLogPayload payload)
//   AlreadyExists      loading a set name that is loaded or loading;
//                      attaching what is already attached (same id)
//   Aborted            Reload or Unload of a set whose load or reload is
//                      under way (try again once it returns)
//   FailedPrecondition pinned map whose layout (type, sizes, flags, max
//                      entries or key/value BTF) differs: the message names
//                      the map and the difference; a foreign legacy non-multi
//                      attachment on the cgroup (message names its program id
//                      and name); calls after Shutdown; Unload or Detach
//                      of an item declared in the configuration (the
//                      message says to remove it there and send SIGHUP)
//   PermissionDenied   the kernel refused for lack of privilege
//   DataLoss           (Start) the state file is torn or corrupt
// Errors from the kernel otherwise map errno to a code (daemon/errno_status.h)
// with the operation, map or cgroup in the message.
#ifndef BPFWARDEN_DAEMON_CORE_WARDEN_H_
#define BPFWARDEN_DAEMON_CORE_WARDEN_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "daemon/base/status_list.h"
#include "daemon/core/admin_quota.h"
#include "daemon/core/attachment_table.h"
#include "daemon/core/core_types.h"
#include "daemon/core/kernel_platform.h"
#include "daemon/core/pin_layout.h"
#include "daemon/core/set_maps.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden {

class BpfLogHub;  // daemon/core/bpf_log_hub.h

struct WardenOptions {
  // bpffs directory; each set pins under <pin_root>/<set>/, pinned links
  // under <pin_root>/<set>/pinned-links/.
  std::string pin_root = "/sys/fs/bpf/bpfwarden";
  // Where runtime changes persist (state.textproto, objects/). Empty: no
  // persistence.
  std::string state_dir = "/var/lib/bpfwarden";
  // The cgroup v2 mount; empty: found from /proc/mounts.
  std::string cgroup2_mount;
  // The configuration directory, named in the errors that refuse to unload
  // or detach what it declares; empty: "the configuration directory".
  std::string config_dir;
  // Reads the BPF log records of every loaded set that has a bw_log ring
  // buffer; it must outlive the Warden. Null: nobody reads them.
  BpfLogHub* logs = nullptr;
  // CONFIG_HZ for every set's kconfig, and the builtin object's variant
  // (DetectKernelPlatform). The default: HZ unknown, the default variant.
  KernelPlatform platform;
};

class BpfLogHub;                // daemon/core/bpf_log_hub.h
struct LoadedSet;               // daemon/core/loaded_set.h
struct ResolvedAttachment;      // daemon/core/resolve_attachment.h
enum class PinnedLinksInState;  // daemon/core/warden_state.h

class Warden {
 public:
  static absl::StatusOr<std::unique_ptr<Warden>> Create(WardenOptions options);
  Warden(const Warden&) = delete;
  Warden& operator=(const Warden&) = delete;
  // Shutdown(LinkRelease::kDetach) unless already shut down.
  ~Warden();

  // Start-up: reads the state file (a corrupt one is logged, set aside as
  // state.textproto.corrupt, and ignored), loads the config's sets and the
  // state's runtime sets, attaches, adopts pinned links the state knows and
  // removes other link pins under the pin root. Items that fail are logged
  // and skipped; the result lists every failure (OK when none).
  absl::Status Start(const v1::Config& config);

  // SIGHUP: makes the config-origin sets and attachments match `config`.
  // Unchanged sets and attachments are not touched; a changed set is
  // reloaded in place (see Reload: its attachments keep their links).
  // Runtime items stay.
  absl::Status Reconcile(const v1::Config& config);

  // Programs.
  absl::StatusOr<ProgramSetInfo> Load(const v1::ProgramSet& spec,
                                      const LoadOptions& options = {});
  // Replaces loaded set `spec.name()` by a new version: loads it beside the
  // old one (pinned maps reused, checked as for Load), then moves every
  // attachment to the new program of the same name with BPF_LINK_UPDATE
  // (attachments whose program is gone or no longer fits are detached), then
  // closes the old version. On failure the old version stays untouched.
  // NotFound when no such set is loaded.
  absl::StatusOr<ProgramSetInfo> Reload(const v1::ProgramSet& spec,
                                        const LoadOptions& options = {});
  // The sets; their verifier logs stay out (GetSet returns one).
  std::vector<ProgramSetInfo> ListSets() const;
  // One set, with the tail of its verifier log it kept
  // (kKeptVerifierLogBytes at most, with LoadOptions::want_verifier_log).
  absl::StatusOr<ProgramSetInfo> GetSet(absl::string_view name) const;
  // Detaches the set's attachments, closes it, and unpins its maps when
  // `maps` is MapPins::kRemove. A set from the configuration is refused
  // (FailedPrecondition): the configuration owns it, Reconcile removes it.
  // A detach or unpin that fails does not stop the unload; the result names
  // each failure (and each attachment that stayed attached).
  absl::Status Unload(absl::string_view name, MapPins maps = MapPins::kKeep);
  // Unload by a non-root administrator: refused (PermissionDenied, nothing
  // changed) unless `scopes` allow every program of the set
  // (CheckProgramTypeNames) and each of its attachments (CheckAttachedScope),
  // judged under the lock hold that unloads.
  absl::Status UnloadScoped(absl::string_view name, MapPins maps,
                            const std::vector<AdminScope>& scopes);

  // Attachments. `origin` tells config items from runtime ones.
  absl::StatusOr<AttachmentInfo> Attach(const v1::Attachment& spec,
                                        Origin origin = Origin::kRuntime);
  // A runtime attachment by a non-root administrator: the cgroup is resolved
  // beneath the cgroup v2 mount only, and the attach type and cgroup must
  // fit one of `scopes` (PermissionDenied otherwise), checked before
  // anything is attached.
  absl::StatusOr<AttachmentInfo> AttachScoped(
      const v1::Attachment& spec, const std::vector<AdminScope>& scopes);
  // FailedPrecondition for an attachment from the configuration, as Unload.
  // The attachment is forgotten even when its release fails; the result
  // then says whether its link stayed attached.
  absl::Status Detach(absl::string_view id);
  // Detach, once `authorize` allows it: it is called with the attachment
  // under the same lock hold as the detach (so the attachment it judged is
  // the one detached), before the configuration check; its error comes back
  // as is and nothing is detached. Not called when there is no such
  // attachment (NotFound) or after Shutdown.
  absl::Status Detach(
      absl::string_view id,
      absl::FunctionRef<absl::Status(const AttachmentInfo&)> authorize);
  // One of ours by id, without asking the kernel; NotFound if none.
  absl::StatusOr<AttachmentInfo> GetAttachment(absl::string_view id) const;
  // Ours and foreign ones (kernel query over the cgroup attach types) on
  // `cgroup` (absolute or relative to the cgroup v2 mount); without a cgroup:
  // ours, plus the foreign ones on every cgroup we have attached to. The
  // kernel is queried without holding the Warden's lock. `cgroup` is
  // resolved beneath the cgroup v2 mount (ResolveCgroup2DirBeneath).
  absl::StatusOr<std::vector<AttachmentInfo>> ListAttachments(
      std::optional<std::string> cgroup = std::nullopt) const;

  // Maps. The shared handle of map `map` of loaded set `set`, built when the
  // set was loaded (no FD dup, no BTF load here). A holder may keep using it
  // after the set is unloaded; its FD closes when the last holder lets go.
  // NotFound for an unknown set or map; FailedPrecondition after Shutdown.
  absl::StatusOr<std::shared_ptr<const MapHandle>> OpenMap(
      absl::string_view set, absl::string_view map) const;
  std::vector<MapInfo> ListMaps() const;  // every map of every loaded set

  // Releases every attachment's link by `pinned_links` (kDetach: every one
  // detached synchronously; kKeepPinned: pinned links stay attached through
  // their pins and the state file records them), closes every set; maps
  // stay pinned. Later calls fail with FailedPrecondition. The result lists
  // every failure, each naming its attachment and whether its link stayed
  // attached.
  absl::Status Shutdown(LinkRelease pinned_links = LinkRelease::kDetach);

  // For the adapter that follows systemd units (the core knows no units):
  // points attachment `id`, made for a unit, at `cgroup`, the unit's cgroup
  // now (absolute or relative to the cgroup v2 mount), or makes it wait
  // when `cgroup` is empty. Its old link, defunct once the unit's old cgroup
  // went, is released first. A cgroup that cannot be attached leaves it
  // waiting, and the error says why. NotFound for an unknown id,
  // FailedPrecondition for an attachment not made for a unit.
  absl::StatusOr<AttachmentInfo> FollowUnit(absl::string_view id,
                                            const std::string& cgroup);

  // The watchdog's check: takes the lock every set and attachment call
  // takes, and says whether the Warden still runs. Trivial on purpose.
  absl::Status Ping() const;

  // What failed to apply at the last Start or Reconcile (a config or
  // runtime set or attachment, the state file, ...): each item and its
  // error. Empty when everything applied.
  std::vector<StatusList::Failure> ApplyFailures() const;
  // Whether `config` declares sets or attachments and none of its sets is
  // loaded (its attachments go only to its own sets: none is made either).
  bool AppliedNothingOf(const v1::Config& config) const;

  // Ours that were made for a unit, without asking the kernel.
  std::vector<AttachmentInfo> UnitAttachments() const;

  const WardenOptions& options() const { return options_; }

 private:
  explicit Warden(WardenOptions options);

  // Programs (warden.cc). A load or a reload of a set: checked and its
  // name reserved under mu_, built without it, then committed under it
  // (and the state persisted when `persist`); the name is released either
  // way.
  enum class SetBuild { kLoad, kReload };
  absl::StatusOr<ProgramSetInfo> BuildSet(SetBuild kind,
                                          const v1::ProgramSet& spec,
                                          const LoadOptions& options,
                                          bool persist)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status MayLoadLocked(const v1::ProgramSet& spec,
                             const LoadOptions& options) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status MayReloadLocked(const std::string& name) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::StatusOr<ProgramSetInfo> CommitLoadLocked(
      std::unique_ptr<LoadedSet> set) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves the attachments to the new version, then replaces the old one.
  absl::StatusOr<ProgramSetInfo> CommitReloadLocked(
      std::unique_ptr<LoadedSet> set) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Aborted while a load or reload of `name` is under way.
  absl::Status CheckNotBuildingLocked(const std::string& name) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status UnloadLocked(const std::string& name, MapPins maps)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Unload and UnloadScoped (`scopes` null: none).
  absl::Status UnloadChecked(absl::string_view name, MapPins maps,
                             const std::vector<AdminScope>* scopes)
      ABSL_LOCKS_EXCLUDED(mu_);
  // OK when `scopes` allow set `set`'s programs and every attachment of it.
  absl::Status CheckSetScopeLocked(const LoadedSet& set,
                                   const std::vector<AdminScope>& scopes) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // A scoped administrator's quotas (warden_quota.cc): before a load is
  // built, what its principal holds, checked for one more set and its
  // objects (nullopt: no quotas apply); at commit, checked again with the
  // set's maps, for the loads its principal committed meanwhile.
  absl::StatusOr<std::optional<QuotaCheck>> QuotaBeforeBuildLocked(
      const v1::ProgramSet& spec, const LoadOptions& options) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status QuotaAtCommitLocked(const QuotaCheck& quota,
                                   const LoadedSet& set) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  QuotaUsage HeldLocked(const std::string& principal) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Attachments (warden.cc; the table in attachment_table.h).
  absl::StatusOr<AttachmentInfo> AttachLocked(const v1::Attachment& spec,
                                              Origin origin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // An attachment of `origin` kConfig resolves only to a set of the
  // configuration: a runtime set holding a configured name is refused
  // (FailedPrecondition), so the configuration never attaches its program.
  absl::StatusOr<ResolvedAttachment> ResolveLocked(const v1::Attachment& spec,
                                                   Origin origin) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status CheckRunning() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Records the names `config` declares (config_set_names_).
  void NoteConfigSetsLocked(const v1::Config& config)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static absl::Status ShuttingDown();
  // FailedPrecondition naming `what` and the configuration directory.
  absl::Status DeclaredInConfig(const std::string& what) const;
  // Writes the state file: runtime sets and attachments, and the pinned
  // links as `links` says.
  absl::Status PersistLocked(PinnedLinksInState links)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // PersistLocked(kRecord), logging a failure: the change itself stands.
  void PersistOrLogLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reconcile's parts (warden_reconcile.cc, with Start): the config sets,
  // then the config attachments, made to match `config`; failures go to
  // `errors`. ReconcileSetsLocked unloads the config sets that are gone and
  // returns the loads and reloads to make, which BuildSets makes without
  // mu_.
  struct SetChange {
    SetBuild kind;
    const v1::ProgramSet* spec;  // in the config
  };
  std::vector<SetChange> ReconcileSetsLocked(const v1::Config& config,
                                             StatusList& errors)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void BuildSets(const std::vector<SetChange>& changes, StatusList& errors)
      ABSL_LOCKS_EXCLUDED(mu_);
  void ReconcileAttachmentsLocked(const v1::Config& config, StatusList& errors)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CleanUnknownLinkPinsLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Our attachments on `cgroups`, copied (warden_queries.cc).
  std::vector<AttachmentInfo> OursOn(const std::set<std::string>& cgroups) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // The map handles OpenMap serves (warden_maps.cc): set `name`'s published
  // or replaced, removed, or all of them closed at shutdown. Under mu_, so
  // that they change in the order the sets do; a handle let go here closes
  // outside maps_mu_.
  void PublishMaps(const std::string& name, std::shared_ptr<const SetMaps> maps)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) ABSL_LOCKS_EXCLUDED(maps_mu_);
  void UnpublishMaps(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_)
      ABSL_LOCKS_EXCLUDED(maps_mu_);
  void CloseMaps() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_)
      ABSL_LOCKS_EXCLUDED(maps_mu_);
  // The set's reader in options_.logs, started (or replaced, at a reload)
  // and stopped (warden_maps.cc).
  void PublishLogs(const LoadedSet& set) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UnpublishLogs(const std::string& name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const WardenOptions options_;
  const PinLayout layout_;  // from options_
  // Start and Reconcile one at a time: each builds sets without mu_.
  absl::Mutex reconcile_mu_ ABSL_ACQUIRED_BEFORE(mu_, build_mu_);
  // One set built at a time: a build takes a core and up to 64 MiB of
  // verifier log buffers (set_loader.h). Never held with mu_.
  absl::Mutex build_mu_;
  mutable absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, std::unique_ptr<LoadedSet>> sets_ ABSL_GUARDED_BY(mu_);
  // Set names a load or reload is building (without mu_): reserved.
  std::set<std::string> building_ ABSL_GUARDED_BY(mu_);
  AttachmentTable attachments_ ABSL_GUARDED_BY(mu_);
  // Set names the configuration declares: a runtime load may not take one.
  std::set<std::string> config_set_names_ ABSL_GUARDED_BY(mu_);
  std::vector<StatusList::Failure> apply_failures_ ABSL_GUARDED_BY(mu_);

  // The map data path's own state: the loaded sets' map handles as
  // published, and whether Shutdown closed them. Never held while waiting
  // for the kernel.
  mutable absl::Mutex maps_mu_ ABSL_ACQUIRED_AFTER(mu_);
  bool maps_closed_ ABSL_GUARDED_BY(maps_mu_) = false;
  std::map<std::string, std::shared_ptr<const SetMaps>, std::less<>> maps_
      ABSL_GUARDED_BY(maps_mu_);
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_WARDEN_H_
