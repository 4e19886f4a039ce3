// The fields of a map's entries, from its key and value layouts (the JSON of
// Maps.Get, daemon/btf/type_layout.h), and their values in an entry's JSON.
#ifndef BPFWARDEN_CLIENT_QUERY_FIELDS_H_
#define BPFWARDEN_CLIENT_QUERY_FIELDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/btf/json.h"
#include "proto/api.pb.h"

namespace bpfwarden::cli {

// One leaf (or struct, union, array) of a key or value, by dotted path from
// the entry: "key.remote_addr", "value.bytes_acked", "value.rules".
struct Field {
  std::string path;
  std::vector<std::string> parts;  // path split at the dots
  std::string kind;  // the layout's kind: "int", "enum", "ip_addr", ...
  std::vector<std::string> enumerators;  // kind "enum"
};

class FieldSet {
 public:
  // From a MapInfo's key_layout and value_layout (a side without BTF has
  // none: its fields cannot be named).
  static absl::StatusOr<FieldSet> FromMapInfo(const v1::MapInfo& info);
  // From layouts already parsed (either may be null).
  static FieldSet FromLayouts(const Json& key, const Json& value,
                              bool per_cpu);

  // The field `name` names: a full path ("key.remote_addr"), or a unique
  // path suffix ("remote_addr", "key.addr"). InvalidArgument for an unknown
  // or ambiguous name, listing the choices.
  absl::StatusOr<const Field*> Resolve(const std::string& name) const;

  const std::vector<Field>& fields() const { return fields_; }
  bool per_cpu() const { return per_cpu_; }

 private:
  void Add(const Json& layout, const std::string& prefix);

  std::vector<Field> fields_;
  bool per_cpu_ = false;
};

// The field's value in `entry` ({"key":K,"value":V}); null when absent.
// Per-CPU values (an array of one value per CPU) give the sum over CPUs for
// numbers, the first CPU's value otherwise.
Json FieldValue(const Json& entry, const Field& field, bool per_cpu);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_QUERY_FIELDS_H_
