// TypeCodec for a DATASEC: the global variables of a .bss, .data or .rodata
// map, by name, each coded by its own TypeCodec.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/codec_section.h"
#include "daemon/btf/encode_plan.h"
#include "daemon/btf/scalars.h"

namespace bpfwarden {


absl::StatusOr<TypeCodec> TypeCodec::CreateSection(
    std::shared_ptr<const BtfTypes> types, uint32_t type_id, std::string root) {
  const struct btf* b = types->get();
  const btf_type* t = btf__type_by_id(b, type_id);
  auto section = std::make_shared<Section>();
  const btf_var_secinfo* info = btf_var_secinfos(t);
  for (int i = 0; i < btf_vlen(t); ++i) {
    const btf_type* var = btf__type_by_id(b, info[i].type);
    if (var == nullptr || !btf_is_var(var)) continue;  // externs' funcs
    const char* name = btf__name_by_offset(b, var->name_off);
    const std::string var_name = name == nullptr ? "" : name;
    absl::StatusOr<TypeCodec> codec =
        TypeCodec::Create(types, var->type, absl::StrCat(root, ".", var_name));
    if (!codec.ok()) return codec.status();
    if (info[i].offset + codec->size() > t->size) {
      return absl::InvalidArgumentError(
          absl::StrCat(root, ".", var_name, ": outside its section"));
    }
    std::string key;
    btf_internal::AppendJsonString(var_name.data(), var_name.size(), key);
    key.push_back(':');
    section->push_back(SectionVar{var_name, std::move(key), info[i].offset,
                                  *std::move(codec)});
  }
  TypeCodec out(std::move(types), type_id, t->size, std::move(root), nullptr,
                nullptr);
  out.section_ = std::move(section);
  return out;
}

Json TypeCodec::EncodeSection(absl::Span<const uint8_t> bytes) const {
  Json object = Json::object();
  for (const SectionVar& var : *section_) {
    absl::StatusOr<Json> value =
        var.codec.Encode(bytes.subspan(var.offset, var.codec.size()));
    object[var.name] = value.ok() ? *std::move(value) : Json();
  }
  return object;
}

void TypeCodec::EncodeSectionText(const uint8_t* bytes,
                                  std::string& out) const {
  out.push_back('{');
  for (size_t i = 0; i < section_->size(); ++i) {
    const SectionVar& var = (*section_)[i];
    if (i > 0) out.push_back(',');
    out.append(var.key);
    var.codec.EncodeTextUnchecked(bytes + var.offset, out);
  }
  out.push_back('}');
}

absl::Status TypeCodec::SectionTypeError(absl::string_view path,
                                         absl::string_view got) const {
  const char* section_name = btf__name_by_offset(
      types_->get(), btf__type_by_id(types_->get(), type_id_)->name_off);
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": expected an object for section ", section_name, ", got ", got));
}

absl::Status TypeCodec::SectionUnknownError(absl::string_view path,
                                            absl::string_view key) const {
  const char* section_name = btf__name_by_offset(
      types_->get(), btf__type_by_id(types_->get(), type_id_)->name_off);
  std::vector<std::string> names;
  for (const SectionVar& var : *section_) names.push_back(var.name);
  return absl::InvalidArgumentError(
      absl::StrCat(path, ".", key, ": unknown variable (section ",
                   section_name, " has: ", absl::StrJoin(names, ", "), ")"));
}

absl::Status TypeCodec::DecodeSection(const Json& value,
                                      const DecodeOptions& options,
                                      absl::Span<uint8_t> out) const {
  if (!value.is_object()) {
    return SectionTypeError(root_, btf_internal::JsonTypeName(value));
  }
  for (const auto& [key, unused] : value.items()) {
    bool known = false;
    for (const SectionVar& var : *section_) known |= var.name == key;
    if (!known) return SectionUnknownError(root_, key);
  }
  for (const SectionVar& var : *section_) {
    auto it = value.find(var.name);
    if (it == value.end()) {
      if (options.zero_fill) continue;
      return absl::InvalidArgumentError(
          absl::StrCat(root_, ".", var.name, ": missing field"));
    }
    absl::StatusOr<std::vector<uint8_t>> bytes = var.codec.Decode(*it, options);
    if (!bytes.ok()) return bytes.status();
    std::memcpy(out.data() + var.offset, bytes->data(), bytes->size());
  }
  return absl::OkStatus();
}

TypeLayout TypeCodec::SectionLayout() const {
  TypeLayout out;
  out.name = root_;
  out.type_name = absl::StrCat(
      "section ",
      btf__name_by_offset(types_->get(),
                          btf__type_by_id(types_->get(), type_id_)->name_off));
  out.kind = FieldKind::kStruct;
  out.size = size_;
  for (const SectionVar& var : *section_) {
    TypeLayout field = var.codec.Layout();
    field.name = var.name;
    field.offset = var.offset;
    out.fields.push_back(std::move(field));
  }
  return out;
}

}  // namespace bpfwarden
