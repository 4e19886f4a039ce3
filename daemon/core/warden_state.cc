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
namespace {

constexpr char kStateFile[] = "state.textproto";

std::string StatePath(const std::string& state_dir) {
  return absl::StrCat(state_dir, "/", kStateFile);
}

}  // namespace

v1::State StateOf(
    const std::map<std::string, std::unique_ptr<LoadedSet>>& sets,
    const std::map<std::string, std::unique_ptr<OwnedAttachment>>& attachments,
    bool include_pinned_links) {
  v1::State state;
  for (const auto& [name, set] : sets) {
    if (set->info.origin == Origin::kRuntime)
      *state.add_program_sets() = set->spec;
  }
  for (const auto& [id, att] : attachments) {
    if (att->info.origin == Origin::kRuntime)
      *state.add_attachments() = att->spec;
    if (att->info.pinned && include_pinned_links) {
      v1::PinnedLink* link = state.add_pinned_links();
      link->set_id(id);
      link->set_pin_path(att->info.link_pin_path);
      *link->mutable_attachment() = att->spec;
    }
  }
  return state;
}

absl::Status WriteStateFile(const std::string& state_dir,
                            const v1::State& state) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  return WriteFileAtomically(StatePath(state_dir), SerializeState(state));
}

StateRead ReadOrSetAsideStateFile(const std::string& state_dir) {
  const std::string path = StatePath(state_dir);
  absl::StatusOr<std::optional<v1::State>> read = ReadStateFile(path);
  StateRead out;
  if (!read.ok()) {
    const std::string aside = path + ".corrupt";
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
