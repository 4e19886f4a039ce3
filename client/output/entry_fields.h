// The columns of a map's entries: the BTF layout flattened to dotted names
// ("key.remote_addr", "value.bytes_acked"), and each column's cell read out
// of an entry's JSON. Also what --sort and --filter resolve FIELD with.
#ifndef BPFWARDEN_CLIENT_OUTPUT_ENTRY_FIELDS_H_
#define BPFWARDEN_CLIENT_OUTPUT_ENTRY_FIELDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli::output {

enum class FieldType {
  kInteger,  // JSON integer
  kFloat,    // JSON number
  kBool,     // true/false
  kEnum,     // enumerator name (a number when unnamed)
  kAddress,  // IPv4/IPv6 text
  kText,     // char arrays
  kArray,    // other arrays: one cell of compact JSON
  kUnknown,  // no BTF: hex bytes, or a shape the layout does not give
};

struct EntryField {
  std::string name;                // "key.remote_addr"; "key" when scalar
  // The table's header: the name without "key."/"value." when no other
  // field has the same rest ("remote_addr"), else the name.
  std::string label;
  std::vector<std::string> path;   // {"key", "remote_addr"}
  FieldType type = FieldType::kUnknown;
  bool is_signed = false;
  bool counter = false;  // an integer of the value: grouped in table output
  // Enums: the prefix all enumerators share up to a '_' ("TCP_STATS_"),
  // which the table leaves out.
  std::string enum_prefix;
};

// The fields of a map's entries from the MapInfo layouts (JSON text as
// Maps.Get gives it; "" when that side has no BTF: one kUnknown field).
absl::StatusOr<std::vector<EntryField>> EntryFields(
    absl::string_view key_layout, absl::string_view value_layout);

// The field named `name` ("key.remote_addr", or a unique last part such as
// "remote_addr"); NotFound lists the names there are.
absl::StatusOr<EntryField> FindField(const std::vector<EntryField>& fields,
                                     absl::string_view name);

// Per-CPU values (a JSON array, one value a CPU) folded into one: integers
// and floats summed, anything else taken from the first CPU.
Json SumPerCpu(const Json& values);

// The JSON at `field.path` in {"key": K, "value": V}; nullptr when absent.
const Json* FieldValue(const Json& entry, const EntryField& field);

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_ENTRY_FIELDS_H_
