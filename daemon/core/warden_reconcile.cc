// Warden::Start (config, then persisted state, then stale link pins) and
// Warden::Reconcile (SIGHUP: the config-origin items made to match the
// configuration).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/base/status_list.h"
#include "daemon/core/attachment.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/pinned_links.h"
#include "daemon/core/resolve_attachment.h"
#include "daemon/core/warden.h"
#include "daemon/core/warden_state.h"
#include "google/protobuf/util/message_differencer.h"

namespace bpfwarden {

absl::Status Warden::Start(const v1::Config& config) {
  absl::MutexLock serial(&reconcile_mu_);
  StatusList errors;
  v1::State state;
  {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = CheckRunning(); !s.ok()) return s;
    if (layout_.has_state_dir()) {
      StateRead read = ReadOrSetAsideStateFile(layout_);
      errors.Add(read.error);
      state = std::move(read.state);
    }
    for (const v1::PinnedLink& link : state.pinned_links()) {
      attachments_.RememberPinned(link.id());
    }
    NoteConfigSetsLocked(config);
  }
  // The sets verify without mu_.
  for (const v1::ProgramSet& set : config.program_sets()) {
    errors.Note(BuildSet(SetBuild::kLoad, set, {.origin = Origin::kConfig},
                         /*persist=*/false)
                    .status(),
                absl::StrCat("config set ", set.name()));
  }
  std::map<std::string, const v1::SetOwner*> owners;
  for (const v1::SetOwner& owner : state.set_owners()) {
    owners[owner.program_set()] = &owner;
  }
  for (const v1::ProgramSet& set : state.program_sets()) {
    // Counted for its owner again, and verified with its privileges.
    LoadOptions restore{.origin = Origin::kRuntime};
    if (auto owner = owners.find(set.name()); owner != owners.end()) {
      restore.owner = owner->second->principal();
      restore.reduced_caps = owner->second->scoped();
    }
    errors.Note(BuildSet(SetBuild::kLoad, set, restore,
                         /*persist=*/false)
                    .status(),
                absl::StrCat("runtime set ", set.name()));
  }
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  for (const v1::Attachment& att : config.attachments()) {
    errors.Note(AttachLocked(att, Origin::kConfig).status(),
                absl::StrCat("config attachment ", att.program_set(), "/",
                             att.program(), " to ", att.cgroup()));
  }
  for (const v1::Attachment& att : state.attachments()) {
    errors.Note(AttachLocked(att, Origin::kRuntime).status(),
                absl::StrCat("runtime attachment ", att.program_set(), "/",
                             att.program(), " to ", att.cgroup()));
  }
  errors.Note(CleanUnknownLinkPinsLocked(), "remove stale link pins");
  attachments_.ForgetPinned();
  errors.Note(PersistLocked(PinnedLinksInState::kRecord), "persist state");
  apply_failures_ = errors.failures();
  return errors.Joined();
}

std::vector<StatusList::Failure> Warden::ApplyFailures() const {
  absl::MutexLock lock(&mu_);
  return apply_failures_;
}

bool Warden::AppliedNothingOf(const v1::Config& config) const {
  if (config.program_sets_size() + config.attachments_size() == 0) {
    return false;
  }
  absl::MutexLock lock(&mu_);
  for (const v1::ProgramSet& set : config.program_sets()) {
    auto loaded = sets_.find(set.name());
    if (loaded != sets_.end() &&
        loaded->second->info.origin == Origin::kConfig) {
      return false;
    }
  }
  return true;
}

absl::Status Warden::CleanUnknownLinkPinsLocked() {
  return RemoveUnownedLinkPins(layout_, attachments_.LinkPins());
}

absl::Status Warden::Reconcile(const v1::Config& config) {
  absl::MutexLock serial(&reconcile_mu_);
  StatusList errors;
  std::vector<SetChange> changes;
  {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = CheckRunning(); !s.ok()) return s;
    NoteConfigSetsLocked(config);
    changes = ReconcileSetsLocked(config, errors);
  }
  BuildSets(changes, errors);  // the verifier runs without mu_
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  ReconcileAttachmentsLocked(config, errors);
  errors.Note(PersistLocked(PinnedLinksInState::kRecord), "persist state");
  apply_failures_ = errors.failures();
  return errors.Joined();
}

void Warden::NoteConfigSetsLocked(const v1::Config& config) {
  config_set_names_.clear();
  for (const v1::ProgramSet& set : config.program_sets()) {
    config_set_names_.insert(set.name());
  }
}

std::vector<Warden::SetChange> Warden::ReconcileSetsLocked(
    const v1::Config& config, StatusList& errors) {
  std::vector<SetChange> changes;
  std::map<std::string, const v1::ProgramSet*> desired;
  for (const v1::ProgramSet& set : config.program_sets()) {
    desired[set.name()] = &set;
  }
  std::vector<std::string> config_sets;
  for (const auto& [name, set] : sets_) {
    if (set->info.origin == Origin::kConfig) config_sets.push_back(name);
  }
  for (const std::string& name : config_sets) {
    auto want = desired.find(name);
    if (want == desired.end()) {
      errors.Note(UnloadLocked(name, MapPins::kKeep),
                  absl::StrCat("unload ", name));
      continue;
    }
    if (google::protobuf::util::MessageDifferencer::Equals(sets_[name]->spec,
                                                           *want->second)) {
      continue;
    }
    // Changed: the new version replaces the old one in place; attachments
    // move over without a gap (those whose program is gone are detached).
    changes.push_back({SetBuild::kReload, want->second});
  }
  for (const auto& [name, spec] : desired) {
    auto loaded = sets_.find(name);
    if (loaded != sets_.end() &&
        loaded->second->info.origin != Origin::kConfig) {
      errors.Note(absl::FailedPreconditionError(
                      "it is not loaded: a set loaded at run time holds the "
                      "name; unload that set and reload the configuration"),
                  absl::StrCat("config set ", name));
      continue;
    }
    if (loaded == sets_.end()) changes.push_back({SetBuild::kLoad, spec});
  }
  return changes;
}

void Warden::BuildSets(const std::vector<SetChange>& changes,
                       StatusList& errors) {
  for (const SetChange& change : changes) {
    const bool load = change.kind == SetBuild::kLoad;
    errors.Note(BuildSet(change.kind, *change.spec, {.origin = Origin::kConfig},
                         /*persist=*/false)
                    .status(),
                absl::StrCat(load ? "load " : "reload ", change.spec->name()));
  }
}

void Warden::ReconcileAttachmentsLocked(const v1::Config& config,
                                        StatusList& errors) {
  std::map<std::string, const v1::Attachment*> desired;
  for (const v1::Attachment& att : config.attachments()) {
    absl::StatusOr<ResolvedAttachment> r = ResolveLocked(att, Origin::kConfig);
    if (!r.ok()) {
      errors.Note(r.status(),
                  absl::StrCat("config attachment ", att.program_set(), "/",
                               att.program()));
      continue;
    }
    desired[r->id] = &att;
  }
  std::vector<std::string> stale;
  for (const auto& [id, att] : attachments_.all()) {
    if (att->info().origin != Origin::kConfig) continue;
    auto want = desired.find(id);
    if (want == desired.end() || want->second->pinned() != att->info().pinned) {
      stale.push_back(id);
    }
  }
  for (const std::string& id : stale) {
    errors.Note(attachments_.Release(id, LinkRelease::kDetach),
                absl::StrCat("detach ", id));
  }
  for (const auto& [id, att] : desired) {
    if (attachments_.Find(id) == nullptr) {
      errors.Note(
          AttachLocked(*att, Origin::kConfig).status(),
          absl::StrCat("attach ", att->program(), " to ", att->cgroup()));
    }
  }
}

}  // namespace bpfwarden
