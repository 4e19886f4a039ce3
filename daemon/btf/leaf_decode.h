// Decoding one JSON value that is not walked into (a scalar, or an object or
// array given where the type wants something else) into its bytes. Shared by
// the DOM walk (codec_decode.cc) and the text decoder (text_decoder.cc), so
// that both accept the same forms and give the same messages. Internal to
// daemon/btf.
#ifndef BPFWARDEN_DAEMON_BTF_LEAF_DECODE_H_
#define BPFWARDEN_DAEMON_BTF_LEAF_DECODE_H_

#include <bpf/btf.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "daemon/btf/scalars.h"

namespace bpfwarden::btf_internal {

// Where a value goes: type `id` (as named in the BTF, before resolution),
// `bit_size` bits at `bit_offset` of `out` for a bitfield member (bit_size
// 0: the whole of `out`), as an IP address when `ip_tagged`.
struct LeafSlot {
  uint32_t id = 0;
  uint32_t bit_offset = 0;
  uint32_t bit_size = 0;
  bool ip_tagged = false;
};

// Writes `value` into `out`, or says why it does not fit, without a path
// (the caller prefixes it). An object for a struct or union, or an array
// for a non-char array type, is the caller's to walk: not a leaf.
absl::Status DecodeLeaf(const struct btf* b, const LeafSlot& slot,
                        const JsonScalar& value, absl::Span<uint8_t> out);

// Whether `kind` (kObject or kArray) is walked into for the type of `slot`.
bool WalksInto(const struct btf* b, const LeafSlot& slot,
               JsonScalar::Kind kind);

}  // namespace bpfwarden::btf_internal

#endif  // BPFWARDEN_DAEMON_BTF_LEAF_DECODE_H_
