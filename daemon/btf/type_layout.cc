#include "daemon/btf/type_layout.h"

#include "daemon/btf/codec.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden {
namespace {

using btf_internal::Enumerators;
using btf_internal::IsBool;
using btf_internal::IsCharArray;
using btf_internal::IsSignedEnum;
using btf_internal::IsSignedInt;
using btf_internal::MemberName;
using btf_internal::Resolve;
using btf_internal::TypeName;

// Fills everything but name and offset.
void Describe(const BtfTypes& types, uint32_t id, bool ip_tagged,
              TypeLayout& out) {
  const struct btf* b = types.get();
  const uint32_t resolved = Resolve(b, id);
  const btf_type* t = btf__type_by_id(b, resolved);
  out.type_name = TypeName(b, id);
  const int64_t size = btf__resolve_size(b, id);
  out.size = size < 0 ? 0 : static_cast<uint32_t>(size);
  if (ip_tagged) {
    out.kind = FieldKind::kIpAddr;
    out.array_length = btf_array(t)->nelems;
    return;
  }
  switch (btf_kind(t)) {
    case BTF_KIND_INT:
      out.kind = IsBool(t) ? FieldKind::kBool : FieldKind::kInt;
      out.is_signed = IsSignedInt(t);
      return;
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      out.kind = FieldKind::kEnum;
      out.is_signed = IsSignedEnum(t);
      for (const auto& [name, value] : Enumerators(b, t)) {
        out.enumerators.emplace_back(name, static_cast<int64_t>(value));
      }
      return;
    case BTF_KIND_FLOAT:
      out.kind = FieldKind::kFloat;
      return;
    case BTF_KIND_ARRAY: {
      out.kind = IsCharArray(b, t) ? FieldKind::kCharArray : FieldKind::kArray;
      out.array_length = btf_array(t)->nelems;
      TypeLayout element;
      element.name = "[]";
      Describe(types, btf_array(t)->type, false, element);
      out.fields.push_back(std::move(element));
      return;
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      out.kind = btf_is_union(t) ? FieldKind::kUnion : FieldKind::kStruct;
      const btf_member* m = btf_members(t);
      for (int i = 0; i < btf_vlen(t); ++i) {
        TypeLayout field;
        field.name = MemberName(b, m[i]);
        const uint32_t bit_offset = btf_member_bit_offset(t, i);
        const uint32_t bit_size = btf_member_bitfield_size(t, i);
        field.offset = bit_offset / 8;
        Describe(types, m[i].type, types.MemberHasTag(resolved, i, kIpAddrTag),
                 field);
        if (bit_size > 0) {
          field.bit_offset = bit_offset;
          field.bit_size = bit_size;
        }
        out.fields.push_back(std::move(field));
      }
      return;
    }
    default:
      return;  // TypeCodec::Create refuses these
  }
}

}  // namespace

const char* FieldKindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kStruct:
      return "struct";
    case FieldKind::kUnion:
      return "union";
    case FieldKind::kInt:
      return "int";
    case FieldKind::kBool:
      return "bool";
    case FieldKind::kEnum:
      return "enum";
    case FieldKind::kFloat:
      return "float";
    case FieldKind::kArray:
      return "array";
    case FieldKind::kCharArray:
      return "char_array";
    case FieldKind::kIpAddr:
      return "ip_addr";
  }
  return "unknown";
}

Json LayoutToJson(const TypeLayout& layout) {
  Json out = Json::object();
  out["name"] = layout.name;
  out["type"] = layout.type_name;
  out["kind"] = FieldKindName(layout.kind);
  out["offset"] = layout.offset;
  out["size"] = layout.size;
  if (layout.bit_size > 0) {
    out["bit_offset"] = layout.bit_offset;
    out["bit_size"] = layout.bit_size;
  }
  if (layout.kind == FieldKind::kInt || layout.kind == FieldKind::kEnum) {
    out["signed"] = layout.is_signed;
  }
  switch (layout.kind) {
    case FieldKind::kArray:
    case FieldKind::kCharArray:
      out["length"] = layout.array_length;
      if (!layout.fields.empty()) {
        out["element"] = LayoutToJson(layout.fields[0]);
      }
      break;
    case FieldKind::kIpAddr:
      out["length"] = layout.array_length;
      break;
    case FieldKind::kStruct:
    case FieldKind::kUnion: {
      Json fields = Json::array();
      for (const TypeLayout& f : layout.fields) {
        fields.push_back(LayoutToJson(f));
      }
      out["fields"] = std::move(fields);
      break;
    }
    case FieldKind::kEnum: {
      Json values = Json::object();
      for (const auto& [name, value] : layout.enumerators) {
        if (layout.is_signed) {
          values[name] = value;
        } else {
          values[name] = static_cast<uint64_t>(value);
        }
      }
      out["enumerators"] = std::move(values);
      break;
    }
    default:
      break;
  }
  return out;
}

TypeLayout TypeCodec::Layout() const {
  if (section_ != nullptr) return SectionLayout();
  TypeLayout out;
  out.name = root_;
  Describe(*types_, type_id_, false, out);
  return out;
}

}  // namespace bpfwarden
