// What `pins` shows of a pinned map beyond bpf_map_info: its entry count and
// the memory it has locked, read straight from the kernel (root).
#ifndef BPFWARDEN_CLIENT_PIN_STATS_H_
#define BPFWARDEN_CLIENT_PIN_STATS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden {

struct PinStats {
  std::string type_name;           // libbpf's name, e.g. "lru_hash"
  // None for maps without keys (ringbuf) or that cannot list them.
  std::optional<uint64_t> entries;
  uint64_t memlock = 0;            // bytes, from /proc/self/fdinfo
};

// Opens the pin at `path` and counts its keys (arrays: max_entries).
absl::StatusOr<PinStats> ReadPinStats(const std::string& path);

}  // namespace bpfwarden

#endif  // BPFWARDEN_CLIENT_PIN_STATS_H_
