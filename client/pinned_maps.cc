#include "client/pinned_maps.h"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <optional>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden {
namespace {

// Map info for a pin, or nullopt when the pin is not a map.
absl::StatusOr<std::optional<PinnedMap>> InspectPin(const std::string& path) {
  UniqueFd fd(bpf_obj_get(path.c_str()));
  if (!fd) return ErrnoStatus(errno, absl::StrCat("open pin ", path));
  // The kernel names a BPF fd's kind in its anonymous inode.
  std::error_code ec;
  std::filesystem::path target = std::filesystem::read_symlink(
      absl::StrCat("/proc/self/fd/", fd.get()), ec);
  if (ec) return ErrnoStatus(ec.value(), absl::StrCat("inspect pin ", path));
  if (target.string() != "anon_inode:bpf-map") {
    return std::optional<PinnedMap>();
  }
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) {
    return ErrnoStatus(errno, absl::StrCat("get info of ", path));
  }
  return std::optional<PinnedMap>(PinnedMap{
      .path = path,
      .id = info.id,
      .name = info.name,
      .type = info.type,
      .key_size = info.key_size,
      .value_size = info.value_size,
      .max_entries = info.max_entries,
      .flags = info.map_flags,
      .btf_id = info.btf_id,
  });
}

}  // namespace

absl::StatusOr<std::vector<PinnedMap>> ListPinnedMaps(const std::string& root) {
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(root, ec), end;
  if (ec) {
    return ErrnoStatus(ec.value(), absl::StrCat("list pins under ", root));
  }
  std::vector<PinnedMap> maps;
  for (; it != end; it.increment(ec)) {
    if (ec) return ErrnoStatus(ec.value(), absl::StrCat("walk ", root));
    if (!it->is_regular_file(ec)) continue;
    absl::StatusOr<std::optional<PinnedMap>> map = InspectPin(it->path());
    if (!map.ok()) return map.status();
    if (map->has_value()) maps.push_back(**map);
  }
  std::sort(
      maps.begin(), maps.end(),
      [](const PinnedMap& a, const PinnedMap& b) { return a.path < b.path; });
  return maps;
}

}  // namespace bpfwarden
