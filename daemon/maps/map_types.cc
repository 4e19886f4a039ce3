#include "daemon/maps/map_types.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>

namespace bpfwarden {
namespace {

bool IsHashFamily(uint32_t type) {
  switch (type) {
    case BPF_MAP_TYPE_HASH:
    case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_LRU_HASH:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool IsPerCpuMapType(uint32_t type) {
  switch (type) {
    case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_PERCPU_ARRAY:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
    case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
      return true;
    default:
      return false;
  }
}

bool IsArrayMapType(uint32_t type) {
  return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

bool KernelHasLpmLookupBatch() {
  static const bool supported = [] {
    LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
    const int fd =
        bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "lpm_probe", 8, 4, 1, &opts);
    if (fd < 0) return false;
    uint8_t keys[8], values[4], out_batch[8];
    uint32_t count = 1;
    LIBBPF_OPTS(bpf_map_batch_opts, batch);
    const int rc = bpf_map_lookup_batch(fd, nullptr, out_batch, keys, values,
                                        &count, &batch);
    const int err = errno;
    close(fd);
    // An empty trie: ENOENT (done) when supported; EINVAL or ENOTSUPP when
    // the kernel has no batch for this type.
    return rc == 0 || err == ENOENT;
  }();
  return supported;
}

bool SupportsLookupBatch(uint32_t type) {
  if (type == BPF_MAP_TYPE_LPM_TRIE) return KernelHasLpmLookupBatch();
  return IsHashFamily(type) || IsArrayMapType(type);
}

bool SupportsUpdateBatch(uint32_t type) {
  return IsHashFamily(type) || IsArrayMapType(type);
}

bool SupportsDeleteBatch(uint32_t type) { return IsHashFamily(type); }

}  // namespace bpfwarden
