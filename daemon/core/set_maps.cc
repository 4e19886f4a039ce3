#include "daemon/core/set_maps.h"

#include <bpf/libbpf.h>
#include <fcntl.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "daemon/btf/btf_cache.h"

namespace bpfwarden {
namespace {

absl::StatusOr<std::shared_ptr<const MapHandle>> OpenHandle(
    const bpf_object* obj, const MapInfo& info, BtfCache& btf) {
  const std::string label = absl::StrCat(info.program_set, "/", info.name);
  const bpf_map* map = bpf_object__find_map_by_name(obj, info.name.c_str());
  if (map == nullptr || bpf_map__fd(map) < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("map ", label, " was not created by the load"));
  }
  UniqueFd fd(::fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 3));
  if (!fd) return ErrnoStatus(errno, absl::StrCat("dup map ", label));
  absl::StatusOr<TypedMap> typed = TypedMap::Open(std::move(fd), label, btf);
  if (!typed.ok()) return typed.status();
  return std::make_shared<const MapHandle>(
      MapHandle{.info = info, .map = *std::move(typed)});
}

}  // namespace

std::shared_ptr<const SetMaps> SetMaps::Open(const std::string& set,
                                             const bpf_object* obj,
                                             std::vector<MapInfo> infos) {
  std::shared_ptr<SetMaps> out(new SetMaps());
  out->set_ = set;
  out->infos_ = std::move(infos);
  BtfCache btf;
  btf.AddLoadedObject(bpf_object__btf(obj));
  for (const MapInfo& info : out->infos_) {
    out->handles_.emplace(info.name, OpenHandle(obj, info, btf));
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const MapHandle>> SetMaps::Find(
    absl::string_view name) const {
  auto it = handles_.find(name);
  if (it != handles_.end()) return it->second;
  std::vector<absl::string_view> names;
  for (const MapInfo& info : infos_) names.push_back(info.name);
  return absl::NotFoundError(
      absl::StrCat("program set ", set_, " has no map named ", name,
                   " (it has: ", absl::StrJoin(names, ", "), ")"));
}

}  // namespace bpfwarden
