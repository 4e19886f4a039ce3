// The codec's walk over BTF types (internal to daemon/btf): validation at
// Create (codec_validate.cc), encoding (codec_encode.cc) and decoding
// (codec_decode.cc), and the helpers they share.
#ifndef BPFWARDEN_DAEMON_BTF_CODEC_WALKER_H_
#define BPFWARDEN_DAEMON_BTF_CODEC_WALKER_H_

#include <bpf/btf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/json.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden::btf_internal {

inline constexpr int kMaxDepth = 32;

absl::Status FieldError(absl::string_view path, absl::string_view why);

// Prefixes an error from a scalar helper with the field path.
absl::Status AtPath(absl::string_view path, const absl::Status& status);

std::string Field(absl::string_view path, absl::string_view name);
std::string Index(absl::string_view path, size_t i);

// A member that is an anonymous struct or union: its fields belong to the
// enclosing JSON object.
bool IsAnonymousComposite(const struct btf* b, const btf_member& m);

// Where a member's value is within its parent, for bitfields and plain
// members alike.
struct Slot {
  uint32_t bit_offset = 0;  // from the parent's start
  uint32_t bit_size = 0;    // 0: not a bitfield
};

Slot MemberSlot(const btf_type* parent, int i);

class Walker {
 public:
  explicit Walker(const BtfTypes& types) : types_(types), b_(types.get()) {}

  absl::Status Validate(uint32_t id, const std::string& path, bool ip_tagged,
                        int depth) const;
  Json Encode(uint32_t id, absl::Span<const uint8_t> bytes,
              bool ip_tagged) const;
  absl::Status Decode(uint32_t id, const Json& value, const std::string& path,
                      absl::Span<uint8_t> out, bool ip_tagged,
                      const DecodeOptions& options) const;

 private:
  void EncodeMembers(uint32_t id, absl::Span<const uint8_t> bytes,
                     Json& object) const;
  Json EncodeScalarBits(uint32_t id, absl::Span<const uint8_t> bytes,
                        uint32_t bit_offset, uint32_t bits) const;
  Json EncodeArray(const btf_type* t, absl::Span<const uint8_t> bytes) const;

  void CollectNames(uint32_t composite, std::vector<std::string>& names) const;
  absl::Status DecodeObject(uint32_t id, const Json& value,
                            const std::string& path, absl::Span<uint8_t> out,
                            const DecodeOptions& options) const;
  absl::Status DecodeMembers(uint32_t id, const Json& object,
                             const std::string& path, absl::Span<uint8_t> out,
                             const DecodeOptions& options) const;
  absl::Status DecodeMember(uint32_t parent_id, int i, const Json& object,
                            const std::string& path, absl::Span<uint8_t> out,
                            const DecodeOptions& options) const;
  absl::Status DecodeArray(uint32_t id, const Json& value,
                           const std::string& path, absl::Span<uint8_t> out,
                           const DecodeOptions& options) const;
  const btf_type* TypeOf(uint32_t id) const {
    return btf__type_by_id(b_, Resolve(b_, id));
  }

  const BtfTypes& types_;
  const struct btf* b_;
};

}  // namespace bpfwarden::btf_internal

#endif  // BPFWARDEN_DAEMON_BTF_CODEC_WALKER_H_
