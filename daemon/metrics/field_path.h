// A field of a map's key or value named by a path ("bytes_received",
// "rtt.srtt_us", "rules[2].port"), found in the codec's layout: where it
// lies in the bytes and how the codec renders it.
#ifndef BPFWARDEN_DAEMON_METRICS_FIELD_PATH_H_
#define BPFWARDEN_DAEMON_METRICS_FIELD_PATH_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/btf/json.h"
#include "daemon/btf/type_layout.h"

namespace bpfwarden::metrics {

struct FieldRef {
  std::string path;
  // The path's steps: a member name, or an array index.
  std::vector<std::variant<std::string, uint32_t>> steps;
  FieldKind kind = FieldKind::kInt;
  uint32_t offset = 0;  // bytes from the root's start
  uint32_t size = 0;    // bytes
  // Bitfields (bit_size > 0): bits from the root's start, and width.
  uint32_t bit_offset = 0;
  uint32_t bit_size = 0;
  bool is_signed = false;
};

// The field at `path` in `root` (a codec's Layout()). InvalidArgument
// naming the path, and the members there are, when it does not exist.
absl::StatusOr<FieldRef> FindField(const TypeLayout& root,
                                   absl::string_view path);

// Whether the codec renders the field as a number (int, enum value, bool,
// float): what a metric's value may be.
bool IsNumeric(const FieldRef& field);
// A scalar the codec renders as one string or number (what a label may be):
// not a struct, union or plain array.
bool IsScalar(const FieldRef& field);

// The field's number from `bytes` (the root's bytes): integers, enums and
// bools as their value, floats as they are. IsNumeric(field) only.
double ReadNumber(const FieldRef& field, const uint8_t* bytes);
// The field's raw bits as an unsigned integer (up to 8 bytes).
uint64_t ReadBits(const FieldRef& field, const uint8_t* bytes);
// Copies the field's bytes (a bitfield's bits) from `from` into `to`, both
// the root's size.
void CopyField(const FieldRef& field, const uint8_t* from, uint8_t* to);

// The field's value in `root`, the codec's JSON of the whole key, as label
// text: strings as they are, other scalars as compact JSON.
std::string LabelText(const FieldRef& field, const Json& root);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_FIELD_PATH_H_
