// A plain description of a BTF type's layout, for Maps.Get.
#ifndef BPFWARDEN_DAEMON_BTF_TYPE_LAYOUT_H_
#define BPFWARDEN_DAEMON_BTF_TYPE_LAYOUT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "daemon/btf/json.h"

namespace bpfwarden {

// How the codec renders a type (after typedef/const/volatile resolution).
enum class FieldKind {
  kStruct,     // JSON object by field name
  kUnion,      // JSON object; decoding takes exactly one member
  kInt,        // JSON integer (exact)
  kBool,       // JSON true/false
  kEnum,       // JSON string (enumerator name) or integer when unnamed
  kFloat,      // JSON number
  kArray,      // JSON array
  kCharArray,  // JSON string, NUL-padded in the bytes
  kIpAddr,     // JSON string "a.b.c.d" or IPv6 text (decl tag ip_addr)
};

// "struct", "union", "int", "bool", "enum", "float", "array", "char_array",
// "ip_addr".
const char* FieldKindName(FieldKind kind);

struct TypeLayout {
  std::string name;       // member name; the root is "key" or "value"
  std::string type_name;  // C spelling, e.g. "__u32", "struct tcp_stats_key",
                          // "__u8[16]"
  FieldKind kind = FieldKind::kInt;
  uint32_t offset = 0;  // bytes from the start of the parent (0 for roots)
  uint32_t size = 0;    // bytes
  // Bitfields only (bit_size > 0): bit offset from the parent's start and
  // width in bits.
  uint32_t bit_offset = 0;
  uint32_t bit_size = 0;
  bool is_signed = false;          // kInt, kEnum
  uint32_t array_length = 0;       // kArray, kCharArray, kIpAddr
  std::vector<TypeLayout> fields;  // kStruct, kUnion: members; kArray: one
                                   // element, named "[]"
  // kEnum: name and value; read the value as uint64_t when !is_signed.
  std::vector<std::pair<std::string, int64_t>> enumerators;
};

// {"name":..., "type":..., "kind":..., "offset":..., "size":..., and where
// they apply "bit_offset", "bit_size", "signed", "length", "fields",
// "element", "enumerators": {"NAME": value, ...}}.
Json LayoutToJson(const TypeLayout& layout);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_TYPE_LAYOUT_H_
