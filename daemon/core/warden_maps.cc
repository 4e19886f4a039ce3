// The Warden's map handles: OpenMap and ListMaps read what Load, Reload,
// Unload and Shutdown publish, under maps_mu_ alone. And the sets' BPF log
// readers, started and stopped with them.
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/base/log.h"
#include "daemon/core/bpf_log_hub.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/warden.h"

namespace bpfwarden {

absl::StatusOr<std::shared_ptr<const MapHandle>> Warden::OpenMap(
    absl::string_view set, absl::string_view map) const {
  absl::ReaderMutexLock lock(&maps_mu_);
  if (maps_closed_) return ShuttingDown();
  auto it = maps_.find(set);
  if (it == maps_.end()) {
    return absl::NotFoundError(absl::StrCat("no program set named ", set));
  }
  return it->second->Find(map);
}

std::vector<MapInfo> Warden::ListMaps() const {
  absl::ReaderMutexLock lock(&maps_mu_);
  std::vector<MapInfo> out;
  for (const auto& [name, maps] : maps_) {
    out.insert(out.end(), maps->infos().begin(), maps->infos().end());
  }
  return out;
}

void Warden::PublishMaps(const std::string& name,
                         std::shared_ptr<const SetMaps> maps) {
  std::shared_ptr<const SetMaps> old;
  {
    absl::MutexLock lock(&maps_mu_);
    old = std::exchange(maps_[name], std::move(maps));
  }
}

void Warden::UnpublishMaps(const std::string& name) {
  std::shared_ptr<const SetMaps> old;
  {
    absl::MutexLock lock(&maps_mu_);
    auto it = maps_.find(name);
    if (it == maps_.end()) return;
    old = std::move(it->second);
    maps_.erase(it);
  }
}

void Warden::CloseMaps() {
  std::map<std::string, std::shared_ptr<const SetMaps>, std::less<>> old;
  {
    absl::MutexLock lock(&maps_mu_);
    maps_closed_ = true;
    old.swap(maps_);
  }
}

void Warden::PublishLogs(const LoadedSet& set) {
  if (options_.logs == nullptr) return;
  absl::Status s =
      options_.logs->Add(set.info.name, set.obj.get(), set.log_sites);
  if (!s.ok()) {
    BPFWARDEN_LOG(ERROR) << s << "; its BPF log records are not read";
  }
}

void Warden::UnpublishLogs(const std::string& name) {
  if (options_.logs != nullptr) options_.logs->Remove(name);
}

}  // namespace bpfwarden
