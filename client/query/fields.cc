#include "client/query/fields.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace bpfwarden::cli {
namespace {

const Json* Walk(const Json* node, const std::vector<std::string>& parts,
                 size_t from) {
  for (size_t i = from; i < parts.size(); ++i) {
    if (node == nullptr || !node->is_object()) return nullptr;
    auto it = node->find(parts[i]);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

Json Sum(const Json& a, const Json& b) {
  if (a.is_number_unsigned() && b.is_number_unsigned()) {
    return a.get<uint64_t>() + b.get<uint64_t>();
  }
  if (a.is_number_integer() && b.is_number_integer()) {
    return a.get<int64_t>() + b.get<int64_t>();
  }
  return a.get<double>() + b.get<double>();
}

}  // namespace

absl::StatusOr<FieldSet> FieldSet::FromMapInfo(const v1::MapInfo& info) {
  Json key, value;
  if (!info.key_layout().empty()) {
    absl::StatusOr<Json> parsed = ParseJson(info.key_layout(), "key layout");
    if (!parsed.ok()) return parsed.status();
    key = *std::move(parsed);
  }
  if (!info.value_layout().empty()) {
    absl::StatusOr<Json> parsed =
        ParseJson(info.value_layout(), "value layout");
    if (!parsed.ok()) return parsed.status();
    value = *std::move(parsed);
  }
  return FromLayouts(key, value, info.per_cpu());
}

FieldSet FieldSet::FromLayouts(const Json& key, const Json& value,
                               bool per_cpu) {
  FieldSet set;
  set.per_cpu_ = per_cpu;
  if (key.is_object()) set.Add(key, "key");
  if (value.is_object()) set.Add(value, "value");
  return set;
}

void FieldSet::Add(const Json& layout, const std::string& path) {
  const std::string kind = layout.value("kind", "");
  const bool anonymous = path.empty() || path.back() == '.';
  if (anonymous) {  // members of anonymous structs appear in the parent
    for (const Json& member : layout.value("fields", Json::array())) {
      Add(member, absl::StrCat(path, member.value("name", "")));
    }
    return;
  }
  Field field{.path = path,
              .parts = absl::StrSplit(path, '.'),
              .kind = kind,
              .enumerators = {}};
  if (kind == "enum" && layout.contains("enumerators")) {
    for (const auto& [name, v] : layout["enumerators"].items()) {
      field.enumerators.push_back(name);
    }
  }
  fields_.push_back(std::move(field));
  if (kind != "struct" && kind != "union") return;
  for (const Json& member : layout.value("fields", Json::array())) {
    Add(member, absl::StrCat(path, ".", member.value("name", "")));
  }
}

absl::StatusOr<const Field*> FieldSet::Resolve(const std::string& name) const {
  std::vector<const Field*> matches;
  for (const Field& f : fields_) {
    if (f.path == name) return &f;
    if (absl::EndsWith(f.path, absl::StrCat(".", name))) matches.push_back(&f);
  }
  if (matches.size() == 1) return matches[0];
  std::vector<std::string> names;
  for (const Field* f : matches) names.push_back(f->path);
  if (!matches.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field '", name, "' is ambiguous: ", absl::StrJoin(names, ", ")));
  }
  for (const Field& f : fields_) {
    if (f.kind != "struct" && f.kind != "union") names.push_back(f.path);
  }
  if (names.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no field '", name, "': the map has no BTF, so its fields have no "
        "names"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "no field '", name, "'; the map's fields: ", absl::StrJoin(names, ", ")));
}

Json FieldValue(const Json& entry, const Field& field, bool per_cpu) {
  if (field.parts.empty()) return nullptr;
  auto side = entry.find(field.parts[0]);
  if (side == entry.end()) return nullptr;
  if (!(per_cpu && field.parts[0] == "value" && side->is_array())) {
    const Json* v = Walk(&*side, field.parts, 1);
    return v == nullptr ? Json() : *v;
  }
  Json total;
  for (const Json& cpu : *side) {
    const Json* v = Walk(&cpu, field.parts, 1);
    if (v == nullptr) continue;
    if (!v->is_number()) return *v;  // not summable: the first CPU's
    total = total.is_null() ? *v : Sum(total, *v);
  }
  return total;
}

}  // namespace bpfwarden::cli
