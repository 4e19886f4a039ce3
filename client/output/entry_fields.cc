#include "client/output/entry_fields.h"

#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace bpfwarden::cli::output {
namespace {

FieldType TypeOfKind(const std::string& kind) {
  if (kind == "int") return FieldType::kInteger;
  if (kind == "float") return FieldType::kFloat;
  if (kind == "bool") return FieldType::kBool;
  if (kind == "enum") return FieldType::kEnum;
  if (kind == "ip_addr") return FieldType::kAddress;
  if (kind == "char_array") return FieldType::kText;
  if (kind == "array") return FieldType::kArray;
  return FieldType::kUnknown;
}

// The prefix, ending in '_', that every enumerator name has and none is.
std::string CommonPrefix(const Json& enumerators) {
  std::string prefix;
  bool first = true;
  for (const auto& [name, value] : enumerators.items()) {
    if (first) {
      prefix = name;
      first = false;
    }
    size_t n = 0;
    while (n < prefix.size() && n < name.size() && prefix[n] == name[n]) ++n;
    prefix.resize(n);
    if (prefix.size() >= name.size()) prefix.resize(name.size() - 1);
  }
  const size_t underscore = prefix.rfind('_');
  return underscore == std::string::npos ? "" : prefix.substr(0, underscore + 1);
}

void Label(std::vector<EntryField>& fields) {
  std::map<std::string, int> uses;
  auto rest = [](const EntryField& f) {
    return f.path.size() > 1 ? f.name.substr(f.path[0].size() + 1) : f.name;
  };
  for (const EntryField& f : fields) ++uses[rest(f)];
  for (EntryField& f : fields) {
    f.label = uses[rest(f)] == 1 ? rest(f) : f.name;
  }
}

void Flatten(const Json& layout, std::vector<std::string>& path, bool value,
             std::vector<EntryField>& out) {
  const std::string kind = layout.value("kind", "");
  if ((kind == "struct" || kind == "union") && layout.contains("fields") &&
      !layout["fields"].empty()) {
    for (const Json& field : layout["fields"]) {
      path.push_back(field.value("name", "?"));
      Flatten(field, path, value, out);
      path.pop_back();
    }
    return;
  }
  EntryField field;
  field.name = absl::StrJoin(path, ".");
  field.path = path;
  field.type = TypeOfKind(kind);
  field.is_signed = layout.value("signed", false);
  field.counter = value && field.type == FieldType::kInteger;
  if (field.type == FieldType::kEnum && layout.contains("enumerators")) {
    field.enum_prefix = CommonPrefix(layout["enumerators"]);
  }
  out.push_back(std::move(field));
}

absl::Status AddSide(absl::string_view layout_text, const std::string& root,
                     std::vector<EntryField>& out) {
  std::vector<std::string> path = {root};
  if (layout_text.empty()) {
    out.push_back({.name = root, .path = path});
    return absl::OkStatus();
  }
  absl::StatusOr<Json> layout =
      ParseJson(layout_text, absl::StrCat(root, " layout"));
  if (!layout.ok()) return layout.status();
  if (!layout->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(root, " layout: not a JSON object"));
  }
  Flatten(*layout, path, root == "value", out);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<EntryField>> EntryFields(
    absl::string_view key_layout, absl::string_view value_layout) {
  std::vector<EntryField> fields;
  if (absl::Status s = AddSide(key_layout, "key", fields); !s.ok()) return s;
  if (absl::Status s = AddSide(value_layout, "value", fields); !s.ok()) {
    return s;
  }
  Label(fields);
  return fields;
}

absl::StatusOr<EntryField> FindField(const std::vector<EntryField>& fields,
                                     absl::string_view name) {
  const EntryField* suffix_match = nullptr;
  int suffix_matches = 0;
  std::vector<std::string> names;
  for (const EntryField& field : fields) {
    if (field.name == name) return field;
    if (absl::EndsWith(field.name, absl::StrCat(".", name))) {
      suffix_match = &field;
      ++suffix_matches;
    }
    names.push_back(field.name);
  }
  if (suffix_matches == 1) return *suffix_match;
  return absl::NotFoundError(
      absl::StrCat("no field '", name, "'",
                   suffix_matches > 1 ? " (ambiguous)" : "",
                   "; the fields are ", absl::StrJoin(names, ", ")));
}

Json SumPerCpu(const Json& values) {
  if (!values.is_array() || values.empty()) return values;
  Json sum = values[0];
  for (size_t cpu = 1; cpu < values.size(); ++cpu) {
    const Json& v = values[cpu];
    if (sum.is_number_unsigned() && v.is_number_unsigned()) {
      sum = sum.get<uint64_t>() + v.get<uint64_t>();
    } else if (sum.is_number_integer() && v.is_number_integer()) {
      sum = sum.get<int64_t>() + v.get<int64_t>();
    } else if (sum.is_number() && v.is_number()) {
      sum = sum.get<double>() + v.get<double>();
    } else if (sum.is_object() && v.is_object()) {
      for (auto& [name, field] : sum.items()) {
        if (!v.contains(name)) continue;
        field = SumPerCpu(Json::array({field, v[name]}));
      }
    } else if (sum.is_array() && v.is_array() && sum.size() == v.size()) {
      for (size_t i = 0; i < sum.size(); ++i) {
        sum[i] = SumPerCpu(Json::array({sum[i], v[i]}));
      }
    }
  }
  return sum;
}

const Json* FieldValue(const Json& entry, const EntryField& field) {
  const Json* at = &entry;
  for (const std::string& part : field.path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

}  // namespace bpfwarden::cli::output
