#include "daemon/maps/map_types.h"

#include <linux/bpf.h>

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

bool SupportsLookupBatch(uint32_t type) {
  return IsHashFamily(type) || IsArrayMapType(type);
}

bool SupportsUpdateBatch(uint32_t type) {
  return IsHashFamily(type) || IsArrayMapType(type);
}

bool SupportsDeleteBatch(uint32_t type) { return IsHashFamily(type); }

}  // namespace bpfwarden
