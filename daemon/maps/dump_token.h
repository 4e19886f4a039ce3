// The opaque resume token of TypedMap::Dump.
#ifndef BPFWARDEN_DAEMON_MAPS_DUMP_TOKEN_H_
#define BPFWARDEN_DAEMON_MAPS_DUMP_TOKEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

struct DumpPosition {
  enum class Method : uint8_t { kBatch = 1, kNextKey = 2 };
  Method method = Method::kBatch;
  uint32_t map_id = 0;
  // kBatch: the kernel's out_batch cursor; kNextKey: the last key returned.
  std::vector<uint8_t> position;
};

// base64url (no padding) of "BWD", a version byte, the method, the map id
// (little-endian) and the position bytes.
std::string EncodeDumpToken(const DumpPosition& position);

// InvalidArgument when `token` is not one EncodeDumpToken made.
absl::StatusOr<DumpPosition> DecodeDumpToken(absl::string_view token);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_MAPS_DUMP_TOKEN_H_
