// Dump resume tokens come from clients: any bytes must decode to an error
// or to a position that encodes back to the same token.
#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/maps/dump_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string token(reinterpret_cast<const char*>(data), size);
  auto position = bpfwarden::DecodeDumpToken(token);
  if (!position.ok()) return 0;
  auto again =
      bpfwarden::DecodeDumpToken(bpfwarden::EncodeDumpToken(*position));
  if (!again.ok() || again->map_id != position->map_id ||
      again->position != position->position ||
      again->method != position->method) {
    __builtin_trap();
  }
  return 0;
}
