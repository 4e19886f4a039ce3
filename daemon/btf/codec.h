// Bytes <-> JSON for one BTF type (a map's key or value type).
#ifndef BPFWARDEN_DAEMON_BTF_CODEC_H_
#define BPFWARDEN_DAEMON_BTF_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/json.h"
#include "daemon/btf/type_layout.h"

namespace bpfwarden {
namespace btf_internal {
class DecodePlan;
class EncodePlan;
class TextDecoder;
}  // namespace btf_internal

struct DecodeOptions {
  // Missing struct fields (and a union with no member given) become zero
  // bytes instead of an error.
  bool zero_fill = false;
};

// The codec of one BTF type. JSON forms, after typedef/const/volatile/
// type_tag resolution:
//   struct          object by field name, fields in declaration order;
//                   members of anonymous struct/union members appear in the
//                   enclosing object (C semantics)
//   union           encode: every member's reading; decode: exactly one member
//   integer         exact JSON integer of any width 1..8 bytes, signed or
//                   not; decode also accepts a decimal string ("-5",
//                   "18446744073709551615") or "0x..." hex string
//   bitfield        like an integer, range-checked against its bit width
//   bool (_Bool)    true/false
//   enum, enum64    encode: enumerator name, or the number when no
//                   enumerator has the value; decode: a name or a number
//                   that fits the enum's size and signedness
//   float, double   JSON number
//   array           JSON array of exactly the array's length
//   char[N]         ("char" itself, not a typedef like __u8) string of at
//                   most N bytes, NUL-padded (N bytes leave no NUL); encode
//                   stops at the first NUL. When the bytes are not valid
//                   UTF-8 or hold data after the first NUL, encode gives the
//                   array of byte values instead; decode accepts both.
//   ip address      a member tagged "bpfwarden.ip_addr": __u8[4] is
//                   "a.b.c.d"; __u8[16] is IPv6 text, shown as "a.b.c.d"
//                   when IPv4-mapped (::ffff:a.b.c.d); decode takes either
//                   form into a 16-byte field (IPv4 becomes IPv4-mapped)
//   section         a DATASEC (the value of a .bss, .data or .rodata map):
//                   object by variable name, in section order; decode
//                   takes the same (unknown names refused, missing ones
//                   an error unless zero_fill)
// Pointers, functions, forward declarations and integers wider than 8 bytes
// are refused at Create with InvalidArgument naming the field.
//
// Every decode error is InvalidArgument and begins with the field path,
// e.g. "value.rules[2].cc: string of 17 bytes does not fit char[16]".
//
// Thread-safe: all methods are const and the BTF is immutable.
class TypeCodec {
 public:
  // `root` names the value in error paths and layouts ("key", "value").
  static absl::StatusOr<TypeCodec> Create(std::shared_ptr<const BtfTypes> types,
                                          uint32_t type_id, std::string root);

  uint32_t type_id() const { return type_id_; }
  // The type's size in bytes (what Encode takes and Decode returns).
  size_t size() const { return size_; }
  const std::string& root() const { return root_; }
  // Whether the type is a DATASEC: global variables by name.
  bool is_section() const { return section_ != nullptr; }

  // `bytes` must be exactly size() long (InvalidArgument otherwise).
  absl::StatusOr<Json> Encode(absl::Span<const uint8_t> bytes) const;
  // The same value as compact JSON text (exactly DumpJson(*Encode(bytes))),
  // appended to `out` by the plan compiled at Create: no JSON DOM.
  absl::Status EncodeText(absl::Span<const uint8_t> bytes,
                          std::string& out) const;
  // EncodeText without the size check: `bytes` holds at least size() bytes.
  void EncodeTextUnchecked(const uint8_t* bytes, std::string& out) const;
  absl::StatusOr<std::vector<uint8_t>> Decode(
      const Json& value, const DecodeOptions& options = {}) const;
  // Decode of JSON text without a DOM: the same bytes and the same errors
  // as ParseJson(text, root()) then Decode, malformed text included.
  absl::StatusOr<std::vector<uint8_t>> DecodeText(
      absl::string_view text, const DecodeOptions& options = {}) const;

  // Field names, offsets, sizes and kinds, recursively.
  TypeLayout Layout() const;

 private:
  TypeCodec(std::shared_ptr<const BtfTypes> types, uint32_t type_id,
            size_t size, std::string root,
            std::shared_ptr<const btf_internal::EncodePlan> plan,
            std::shared_ptr<const btf_internal::DecodePlan> decode_plan)
      : types_(std::move(types)),
        type_id_(type_id),
        size_(size),
        root_(std::move(root)),
        plan_(std::move(plan)),
        decode_plan_(std::move(decode_plan)) {}
  friend class btf_internal::TextDecoder;

  struct SectionVar;  // codec_section.cc
  using Section = std::vector<SectionVar>;

  absl::Status CheckSize(absl::Span<const uint8_t> bytes) const;
  // The codec of DATASEC `type_id`: one TypeCodec per variable.
  static absl::StatusOr<TypeCodec> CreateSection(
      std::shared_ptr<const BtfTypes> types, uint32_t type_id,
      std::string root);
  Json EncodeSection(absl::Span<const uint8_t> bytes) const;
  void EncodeSectionText(const uint8_t* bytes, std::string& out) const;
  absl::Status DecodeSection(const Json& value, const DecodeOptions& options,
                             absl::Span<uint8_t> out) const;
  TypeLayout SectionLayout() const;
  // The messages of a section's decode, for both decoders.
  absl::Status SectionTypeError(absl::string_view path,
                                absl::string_view got) const;
  absl::Status SectionUnknownError(absl::string_view path,
                                   absl::string_view key) const;

  std::shared_ptr<const BtfTypes> types_;
  uint32_t type_id_ = 0;
  size_t size_ = 0;
  std::string root_;
  std::shared_ptr<const btf_internal::EncodePlan> plan_;  // not sections
  std::shared_ptr<const btf_internal::DecodePlan> decode_plan_;  // not sections
  std::shared_ptr<const Section> section_;  // sections only
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_CODEC_H_
