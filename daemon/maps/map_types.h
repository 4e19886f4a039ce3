// What the map code needs to know about BPF map types.
#ifndef BPFWARDEN_DAEMON_MAPS_MAP_TYPES_H_
#define BPFWARDEN_DAEMON_MAPS_MAP_TYPES_H_

#include <cstdint>

namespace bpfwarden {

// Values are per CPU (one slot per possible CPU).
bool IsPerCpuMapType(uint32_t type);
// Array-like: every index exists; elements cannot be deleted.
bool IsArrayMapType(uint32_t type);
// Supports BPF_MAP_LOOKUP_BATCH: hash, LRU hash, their per-CPU variants,
// array; per-CPU arrays and LPM tries where the running kernel answers it
// (KernelHasPercpuArrayBatch, KernelHasLpmLookupBatch). Where not, dumps go
// by next-key.
bool SupportsLookupBatch(uint32_t type);
// Whether this kernel answers BPF_MAP_LOOKUP_BATCH on an LPM trie (the
// generic batch, 5.6+ for most types): probed once per process on a
// throwaway one-entry trie.
bool KernelHasLpmLookupBatch();
// Whether this kernel has batch lookup and update for per-CPU arrays (5.10
// has not: ENOTSUPP), probed once per process likewise.
bool KernelHasPercpuArrayBatch();
// Supports BPF_MAP_UPDATE_BATCH / BPF_MAP_DELETE_BATCH (the hash family;
// arrays support update only, per-CPU ones where KernelHasPercpuArrayBatch).
bool SupportsUpdateBatch(uint32_t type);
bool SupportsDeleteBatch(uint32_t type);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_MAPS_MAP_TYPES_H_
