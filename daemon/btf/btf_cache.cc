#include "daemon/btf/btf_cache.h"

namespace bpfwarden {

absl::StatusOr<std::shared_ptr<const BtfTypes>> BtfCache::Get(uint32_t btf_id) {
  auto it = loaded_.find(btf_id);
  if (it == loaded_.end()) {
    it = loaded_.emplace(btf_id, BtfTypes::LoadFromKernel(btf_id)).first;
  }
  return it->second;
}

}  // namespace bpfwarden
