#include "daemon/btf/btf_cache.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>

namespace bpfwarden {

absl::StatusOr<std::shared_ptr<const BtfTypes>> BtfCache::Get(uint32_t btf_id) {
  auto it = loaded_.find(btf_id);
  if (it == loaded_.end()) {
    it = loaded_.emplace(btf_id, BtfTypes::LoadFromKernel(btf_id)).first;
  }
  return it->second;
}

void BtfCache::AddLoadedObject(const struct btf* object_btf) {
  if (object_btf == nullptr || btf__fd(object_btf) < 0) return;
  bpf_btf_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(btf__fd(object_btf), &info, &len) != 0) return;
  absl::StatusOr<std::shared_ptr<const BtfTypes>> copy =
      BtfTypes::CopyOf(object_btf);
  if (copy.ok()) loaded_.insert_or_assign(info.id, *std::move(copy));
}

}  // namespace bpfwarden
