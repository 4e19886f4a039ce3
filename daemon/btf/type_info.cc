#include "daemon/btf/type_info.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden::btf_internal {
namespace {

std::string NameOf(const struct btf* b, const btf_type* t) {
  const char* name = btf__name_by_offset(b, t->name_off);
  return name == nullptr || *name == '\0' ? "(anon)" : name;
}

}  // namespace

uint32_t Resolve(const struct btf* b, uint32_t id) {
  const int resolved = btf__resolve_type(b, id);
  return resolved < 0 ? id : static_cast<uint32_t>(resolved);
}

std::string TypeName(const struct btf* b, uint32_t id) {
  if (id == 0) return "void";
  const btf_type* t = btf__type_by_id(b, id);
  if (t == nullptr) return absl::StrCat("<bad type id ", id, ">");
  switch (btf_kind(t)) {
    case BTF_KIND_STRUCT:
      return absl::StrCat("struct ", NameOf(b, t));
    case BTF_KIND_UNION:
      return absl::StrCat("union ", NameOf(b, t));
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return absl::StrCat("enum ", NameOf(b, t));
    case BTF_KIND_CONST:
      return absl::StrCat("const ", TypeName(b, t->type));
    case BTF_KIND_VOLATILE:
      return absl::StrCat("volatile ", TypeName(b, t->type));
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
      return TypeName(b, t->type);
    case BTF_KIND_PTR:
      return absl::StrCat(TypeName(b, t->type), "*");
    case BTF_KIND_ARRAY:
      return absl::StrCat(TypeName(b, btf_array(t)->type), "[",
                          btf_array(t)->nelems, "]");
    default:
      return NameOf(b, t);
  }
}

const char* KindName(const btf_type* t) {
  switch (btf_kind(t)) {
    case BTF_KIND_PTR:
      return "pointer";
    case BTF_KIND_FWD:
      return "forward declaration";
    case BTF_KIND_FUNC:
    case BTF_KIND_FUNC_PROTO:
      return "function";
    case BTF_KIND_VAR:
      return "variable";
    case BTF_KIND_DATASEC:
      return "data section";
    default:
      return "unsupported type";
  }
}

bool IsCharArray(const struct btf* b, const btf_type* array) {
  uint32_t id = btf_array(array)->type;
  const btf_type* t = btf__type_by_id(b, id);
  while (t != nullptr && btf_is_mod(t)) t = btf__type_by_id(b, t->type);
  if (t == nullptr || !btf_is_int(t) || t->size != 1) return false;
  if (btf_int_encoding(t) & BTF_INT_CHAR) return true;
  const char* name = btf__name_by_offset(b, t->name_off);
  return name != nullptr && std::string(name) == "char";
}

uint32_t IpArrayLength(const struct btf* b, uint32_t id) {
  const btf_type* t = btf__type_by_id(b, Resolve(b, id));
  if (t == nullptr || !btf_is_array(t)) return 0;
  const btf_type* elem = btf__type_by_id(b, Resolve(b, btf_array(t)->type));
  if (elem == nullptr || !btf_is_int(elem) || elem->size != 1) return 0;
  const uint32_t n = btf_array(t)->nelems;
  return n == 4 || n == 16 ? n : 0;
}

bool IsBool(const btf_type* int_type) {
  return (btf_int_encoding(int_type) & BTF_INT_BOOL) != 0;
}

bool IsSignedInt(const btf_type* int_type) {
  return (btf_int_encoding(int_type) & BTF_INT_SIGNED) != 0;
}

bool IsSignedEnum(const btf_type* t) {
  if (btf_kflag(t)) return true;
  if (!btf_is_enum(t)) return false;
  const struct btf_enum* e = btf_enum(t);
  for (int i = 0; i < btf_vlen(t); ++i) {
    if (e[i].val < 0) return true;
  }
  return false;
}

std::vector<std::pair<std::string, absl::int128>> Enumerators(
    const struct btf* b, const btf_type* t) {
  std::vector<std::pair<std::string, absl::int128>> out;
  const bool is_signed = IsSignedEnum(t);
  for (int i = 0; i < btf_vlen(t); ++i) {
    if (btf_is_enum64(t)) {
      const struct btf_enum64* e = &btf_enum64(t)[i];
      const uint64_t v = btf_enum64_value(e);
      out.emplace_back(
          btf__name_by_offset(b, e->name_off),
          is_signed ? absl::int128(static_cast<int64_t>(v)) : absl::int128(v));
    } else {
      const struct btf_enum* e = &btf_enum(t)[i];
      out.emplace_back(btf__name_by_offset(b, e->name_off),
                       is_signed ? absl::int128(e->val)
                                 : absl::int128(static_cast<uint32_t>(e->val)));
    }
  }
  return out;
}

std::string MemberName(const struct btf* b, const btf_member& member) {
  const char* name = btf__name_by_offset(b, member.name_off);
  return name == nullptr ? "" : name;
}

}  // namespace bpfwarden::btf_internal
