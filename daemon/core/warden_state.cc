#include "daemon/core/warden_state.h"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/log.h"
#include "daemon/core/state_store.h"

namespace bpfwarden {

v1::State StateOf(
    const std::map<std::string, std::unique_ptr<LoadedSet>>& sets,
    const std::map<std::string, std::unique_ptr<Attachment>>& attachments,
    PinnedLinksInState links) {
  v1::State state;
  for (const auto& [name, set] : sets) {
    if (set->info.origin != Origin::kRuntime) continue;
    *state.add_program_sets() = set->spec;
    if (!set->info.owner.empty()) {
      v1::SetOwner* owner = state.add_set_owners();
      owner->set_program_set(name);
      owner->set_principal(set->info.owner);
      owner->set_scoped(set->info.scoped);
    }
  }
  for (const auto& [id, att] : attachments) {
    if (att->info().origin == Origin::kRuntime)
      *state.add_attachments() = att->spec();
    if (att->info().pinned && links == PinnedLinksInState::kRecord) {
      v1::PinnedLink* link = state.add_pinned_links();
      link->set_id(id);
      link->set_pin_path(att->info().link_pin_path);
      *link->mutable_attachment() = att->spec();
    }
  }
  return state;
}

absl::Status WriteStateFile(const PinLayout& layout, const v1::State& state) {
  std::error_code ec;
  std::filesystem::create_directories(layout.state_dir(), ec);
  return WriteFileAtomically(layout.StateFile(), SerializeState(state));
}

StateRead ReadOrSetAsideStateFile(const PinLayout& layout) {
  const std::string path = layout.StateFile();
  absl::StatusOr<std::optional<v1::State>> read = ReadStateFile(path);
  StateRead out;
  if (!read.ok()) {
    const std::string aside = layout.CorruptStateFile();
    std::rename(path.c_str(), aside.c_str());
    BPFWARDEN_LOG(ERROR) << "ignoring the state file: " << read.status()
                         << "; moved it to " << aside
                         << "; starting from the configuration alone";
    out.error = read.status();
  } else if (read->has_value()) {
    out.state = **read;
  }
  return out;
}

}  // namespace bpfwarden
