// The fields --filter and --sort name: the renderer's columns
// (client/output/entry_fields.h, the BTF layout flattened to dotted names),
// with enum fields' enumerators, and their values in an entry's JSON.
#ifndef BPFWARDEN_CLIENT_QUERY_FIELDS_H_
#define BPFWARDEN_CLIENT_QUERY_FIELDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/output/entry_fields.h"
#include "daemon/btf/json.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::cli {

struct Field {
  output::EntryField column;
  std::vector<std::string> enumerators;  // enum fields
};

class FieldSet {
 public:
  // From a MapInfo's key_layout and value_layout (Maps.Get's, or direct
  // mode's).
  static absl::StatusOr<FieldSet> FromMapInfo(const v1::MapInfo& info);
  // From layouts as JSON text ("" for a side without BTF).
  static absl::StatusOr<FieldSet> FromLayouts(absl::string_view key,
                                              absl::string_view value,
                                              bool per_cpu);

  // The field `name` names ("key.remote_addr", or a unique last part such
  // as "remote_addr"); InvalidArgument listing the fields there are.
  absl::StatusOr<Field> Resolve(const std::string& name) const;

  bool per_cpu() const { return per_cpu_; }

 private:
  std::vector<output::EntryField> columns_;
  Json key_layout_, value_layout_;
  bool per_cpu_ = false;
};

// The field's value in `entry` ({"key":K,"value":V}); null when absent.
// Per-CPU values (an array of one value per CPU) give the sum over CPUs for
// numbers, the first CPU's value otherwise.
Json FieldValue(const Json& entry, const output::EntryField& field,
                bool per_cpu);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_QUERY_FIELDS_H_
