// Scalar pieces of the BTF codec: integers and bitfields in bytes, JSON
// integers, IP address text, UTF-8 checks. Internal to daemon/btf.
#ifndef BPFWARDEN_DAEMON_BTF_SCALARS_H_
#define BPFWARDEN_DAEMON_BTF_SCALARS_H_

#include <cstdint>
#include <string>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "daemon/btf/json.h"

namespace bpfwarden::btf_internal {

// Reads `bits` (1..64) bits starting `bit_offset` bits into `bytes`
// (little-endian bit numbering, as on x86 and arm64), sign-extending when
// `is_signed`.
absl::int128 ReadBits(absl::Span<const uint8_t> bytes, uint32_t bit_offset,
                      uint32_t bits, bool is_signed);

// Writes the low `bits` bits of `value` at `bit_offset`.
void WriteBits(absl::Span<uint8_t> bytes, uint32_t bit_offset, uint32_t bits,
               absl::int128 value);

// One JSON value as the decoders see it: a scalar with its value, or only
// the kind of an object or array. Shared by the DOM walk (ScalarOf) and the
// streaming text decoder, so both give the same bytes and messages.
struct JsonScalar {
  enum class Kind { kNull, kBool, kInt, kUint, kFloat, kString, kObject, kArray };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double float_value = 0;
  absl::string_view text;  // kString; valid only while the value is

  bool is_number() const {
    return kind == Kind::kInt || kind == Kind::kUint || kind == Kind::kFloat;
  }
  double AsDouble() const;
};

// The view of `value` (strings point into it).
JsonScalar ScalarOf(const Json& value);

// The integer a JSON value holds: a JSON integer, or a string with a
// decimal ("-12") or hex ("0x1f") integer. The error (wrong type, not a
// number) has no path; the caller prefixes it.
absl::StatusOr<absl::int128> JsonInteger(const JsonScalar& value);
absl::StatusOr<absl::int128> JsonInteger(const Json& value);

// Whether `value` fits `bits` bits of the given signedness.
bool InRange(absl::int128 value, uint32_t bits, bool is_signed);

// OK when `value` fits `bits` bits of the given signedness; otherwise says
// "integer 300 overflows <type_name> (max 255)" or "... underflows ...".
absl::Status CheckRange(absl::int128 value, uint32_t bits, bool is_signed,
                        absl::string_view type_name);

// A JSON integer with the exact value (int64 or uint64 kind).
Json IntegerJson(absl::int128 value);

// "a.b.c.d" for 4 bytes; IPv6 text for 16, dotted when IPv4-mapped.
std::string FormatIp(absl::Span<const uint8_t> bytes);

// Parses IPv4 or IPv6 text into `out` (4 or 16 bytes); IPv4 text into 16
// bytes becomes IPv4-mapped, and IPv4-mapped text into 4 bytes its IPv4.
absl::Status ParseIp(absl::string_view text, absl::Span<uint8_t> out);

bool IsValidUtf8(absl::string_view text);

// The JSON type's name for messages: "object", "array", "string",
// "integer", "number", "boolean", "null".
std::string JsonTypeName(const Json& value);
const char* JsonTypeName(const JsonScalar& value);

}  // namespace bpfwarden::btf_internal

#endif  // BPFWARDEN_DAEMON_BTF_SCALARS_H_
