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
// array and per-CPU array; and LPM tries where the running kernel answers it
// (KernelHasLpmLookupBatch).
bool SupportsLookupBatch(uint32_t type);
// Whether this kernel answers BPF_MAP_LOOKUP_BATCH on an LPM trie (the
// generic batch, 5.6+ for most types): probed once per process on a
// throwaway one-entry trie.
bool KernelHasLpmLookupBatch();
// Supports BPF_MAP_UPDATE_BATCH / BPF_MAP_DELETE_BATCH (the hash family;
// arrays support update only).
bool SupportsUpdateBatch(uint32_t type);
bool SupportsDeleteBatch(uint32_t type);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_MAPS_MAP_TYPES_H_
