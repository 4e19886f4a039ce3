#include "client/query/fields.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden::cli {
namespace {

// The enumerator names of the member at `path` (from its side's root).
std::vector<std::string> EnumeratorsAt(const Json& layout,
                                       const std::vector<std::string>& path) {
  const Json* at = &layout;
  for (size_t i = 1; i < path.size() && at != nullptr; ++i) {
    const Json* next = nullptr;
    auto fields = at->find("fields");
    if (fields != at->end() && fields->is_array()) {
      for (const Json& member : *fields) {
        if (member.value("name", "") == path[i]) next = &member;
      }
    }
    at = next;
  }
  std::vector<std::string> names;
  if (at == nullptr || !at->contains("enumerators")) return names;
  for (const auto& [name, value] : (*at)["enumerators"].items()) {
    names.push_back(name);
  }
  return names;
}

absl::StatusOr<Json> ParseLayout(absl::string_view text,
                                 absl::string_view what) {
  if (text.empty()) return Json();
  return ParseJson(text, what);
}

}  // namespace

absl::StatusOr<FieldSet> FieldSet::FromMapInfo(const v1::MapInfo& info) {
  return FromLayouts(info.key_layout(), info.value_layout(), info.per_cpu());
}

absl::StatusOr<FieldSet> FieldSet::FromLayouts(absl::string_view key,
                                               absl::string_view value,
                                               bool per_cpu) {
  FieldSet set;
  absl::StatusOr<std::vector<output::EntryField>> columns =
      output::EntryFields(key, value);
  if (!columns.ok()) return columns.status();
  set.columns_ = *std::move(columns);
  absl::StatusOr<Json> key_layout = ParseLayout(key, "key layout");
  if (!key_layout.ok()) return key_layout.status();
  absl::StatusOr<Json> value_layout = ParseLayout(value, "value layout");
  if (!value_layout.ok()) return value_layout.status();
  set.key_layout_ = *std::move(key_layout);
  set.value_layout_ = *std::move(value_layout);
  set.per_cpu_ = per_cpu;
  return set;
}

absl::StatusOr<Field> FieldSet::Resolve(const std::string& name) const {
  absl::StatusOr<output::EntryField> column =
      output::FindField(columns_, name);
  if (!column.ok()) {
    return absl::InvalidArgumentError(column.status().message());
  }
  Field field{.column = *std::move(column), .enumerators = {}};
  if (field.column.type == output::FieldType::kEnum) {
    field.enumerators = EnumeratorsAt(
        field.column.path[0] == "key" ? key_layout_ : value_layout_,
        field.column.path);
  }
  return field;
}

Json FieldValue(const Json& entry, const output::EntryField& field,
                bool per_cpu) {
  const std::vector<std::string>& path = field.path;
  if (!(per_cpu && path.size() > 0 && path[0] == "value")) {
    const Json* v = output::FieldValue(entry, field);
    return v == nullptr ? Json() : *v;
  }
  auto cpus = entry.find("value");
  if (cpus == entry.end() || !cpus->is_array()) return Json();
  Json each = Json::array();
  for (const Json& cpu : *cpus) {
    const Json* at = &cpu;
    for (size_t i = 1; i < path.size() && at != nullptr; ++i) {
      auto it = at->is_object() ? at->find(path[i]) : at->end();
      at = it == at->end() ? nullptr : &*it;
    }
    if (at != nullptr) each.push_back(*at);
  }
  return each.empty() ? Json() : output::SumPerCpu(each);
}

}  // namespace bpfwarden::cli
