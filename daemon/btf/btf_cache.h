// BTF objects loaded from the kernel by id, each once: the maps of one
// object share one BTF object, so opening them all loads it once.
#ifndef BPFWARDEN_DAEMON_BTF_BTF_CACHE_H_
#define BPFWARDEN_DAEMON_BTF_BTF_CACHE_H_

#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "daemon/btf/btf_types.h"

namespace bpfwarden {

// Not thread-safe: one cache serves one batch of opens (e.g. the maps of a
// set being loaded). A failed load is remembered too.
class BtfCache {
 public:
  // BtfTypes::LoadFromKernel(btf_id), the first time it is asked for.
  absl::StatusOr<std::shared_ptr<const BtfTypes>> Get(uint32_t btf_id);

 private:
  absl::flat_hash_map<uint32_t, absl::StatusOr<std::shared_ptr<const BtfTypes>>>
      loaded_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_BTF_CACHE_H_
