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

  // The BTF of an object just loaded (bpf_object__btf after
  // bpf_object__load) answers for the kernel BTF object it was loaded as.
  // Where the kernel lacks a BTF kind the object uses, libbpf loads a
  // sanitized copy (before Linux 5.16 every decl tag becomes an anonymous
  // int), so the kernel's copy no longer says which fields hold IP
  // addresses; the object's own, same type ids, still does. Does nothing
  // for an object without BTF in the kernel.
  void AddLoadedObject(const struct btf* object_btf);

 private:
  absl::flat_hash_map<uint32_t, absl::StatusOr<std::shared_ptr<const BtfTypes>>>
      loaded_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_BTF_CACHE_H_
