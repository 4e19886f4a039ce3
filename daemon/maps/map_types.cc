#include "daemon/maps/map_types.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

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

namespace {

// BPF_MAP_LOOKUP_BATCH on a throwaway one-entry map of `type`: done (0) or
// at its end (ENOENT) when the kernel has batch operations for the type;
// EINVAL or ENOTSUPP when not.
bool ProbeLookupBatch(bpf_map_type type, uint32_t key_size, uint32_t value_size,
                      uint32_t flags) {
  LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);
  const int fd =
      bpf_map_create(type, "batch_probe", key_size, value_size, 1, &opts);
  if (fd < 0) return false;
  // Room for one entry of the largest probe (a per-CPU value per CPU).
  std::vector<uint8_t> keys(key_size), out_batch(key_size),
      values(size_t{value_size} * 8 * 1024);
  uint32_t count = 1;
  LIBBPF_OPTS(bpf_map_batch_opts, batch);
  const int rc =
      bpf_map_lookup_batch(fd, nullptr, out_batch.data(), keys.data(),
                           values.data(), &count, &batch);
  const int err = errno;
  close(fd);
  return rc == 0 || err == ENOENT;
}

}  // namespace

bool KernelHasLpmLookupBatch() {
  static const bool supported =
      ProbeLookupBatch(BPF_MAP_TYPE_LPM_TRIE, 8, 4, BPF_F_NO_PREALLOC);
  return supported;
}

bool KernelHasPercpuArrayBatch() {
  static const bool supported =
      ProbeLookupBatch(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 0);
  return supported;
}

bool SupportsLookupBatch(uint32_t type) {
  if (type == BPF_MAP_TYPE_LPM_TRIE) return KernelHasLpmLookupBatch();
  if (type == BPF_MAP_TYPE_PERCPU_ARRAY) return KernelHasPercpuArrayBatch();
  return IsHashFamily(type) || IsArrayMapType(type);
}

bool SupportsUpdateBatch(uint32_t type) {
  if (type == BPF_MAP_TYPE_PERCPU_ARRAY) return KernelHasPercpuArrayBatch();
  return IsHashFamily(type) || IsArrayMapType(type);
}

bool SupportsDeleteBatch(uint32_t type) { return IsHashFamily(type); }

}  // namespace bpfwarden
