// Pinned BPF maps found under a bpffs directory.
#ifndef BPFWARDEN_CLIENT_PINNED_MAPS_H_
#define BPFWARDEN_CLIENT_PINNED_MAPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bpfwarden {

struct PinnedMap {
  std::string path;
  uint32_t id = 0;
  std::string name;
  uint32_t type = 0;  // enum bpf_map_type
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  uint32_t max_entries = 0;
  uint32_t flags = 0;
  uint32_t btf_id = 0;
};

// Every map pinned below `root`, in path order. Pins of other kinds
// (programs, links) are skipped.
absl::StatusOr<std::vector<PinnedMap>> ListPinnedMaps(const std::string& root);

}  // namespace bpfwarden

#endif  // BPFWARDEN_CLIENT_PINNED_MAPS_H_
