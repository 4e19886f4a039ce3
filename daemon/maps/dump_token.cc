#include "daemon/maps/dump_token.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace bpfwarden {
namespace {

constexpr char kMagic[] = {'B', 'W', 'D', 1};
constexpr size_t kHeader = sizeof(kMagic) + 1 + 4;

absl::Status Malformed() {
  return absl::InvalidArgumentError(
      "malformed resume token: pass back exactly the token a previous page "
      "returned");
}

}  // namespace

std::string EncodeDumpToken(const DumpPosition& position) {
  std::string raw(kMagic, sizeof(kMagic));
  raw.push_back(static_cast<char>(position.method));
  char id[4];
  std::memcpy(id, &position.map_id, 4);
  raw.append(id, 4);
  raw.append(position.position.begin(), position.position.end());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<DumpPosition> DecodeDumpToken(absl::string_view token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() <= kHeader ||
      std::memcmp(raw.data(), kMagic, sizeof(kMagic)) != 0) {
    return Malformed();
  }
  DumpPosition out;
  const uint8_t method = static_cast<uint8_t>(raw[sizeof(kMagic)]);
  if (method != static_cast<uint8_t>(DumpPosition::Method::kBatch) &&
      method != static_cast<uint8_t>(DumpPosition::Method::kNextKey)) {
    return Malformed();
  }
  out.method = static_cast<DumpPosition::Method>(method);
  std::memcpy(&out.map_id, raw.data() + sizeof(kMagic) + 1, 4);
  out.position.assign(raw.begin() + kHeader, raw.end());
  return out;
}

}  // namespace bpfwarden
