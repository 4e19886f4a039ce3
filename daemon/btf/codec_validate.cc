// The codec walk: shared helpers, and the check at Create that a type can be
// coded.

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "daemon/btf/codec_walker.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden::btf_internal {

absl::Status FieldError(absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", why));
}

absl::Status AtPath(absl::string_view path, const absl::Status& status) {
  return FieldError(path, status.message());
}

std::string Field(absl::string_view path, absl::string_view name) {
  return absl::StrCat(path, ".", name);
}

std::string Index(absl::string_view path, size_t i) {
  return absl::StrCat(path, "[", i, "]");
}

bool IsAnonymousComposite(const struct btf* b, const btf_member& m) {
  if (!MemberName(b, m).empty()) return false;
  const btf_type* t = btf__type_by_id(b, Resolve(b, m.type));
  return t != nullptr && btf_is_composite(t);
}

Slot MemberSlot(const btf_type* parent, int i) {
  return Slot{btf_member_bit_offset(parent, i),
              btf_member_bitfield_size(parent, i)};
}

// ---------------------------------------------------------------- validate

absl::Status Walker::Validate(uint32_t id, const std::string& path,
                              bool ip_tagged, int depth) const {
  if (depth > kMaxDepth) return FieldError(path, "type nests too deeply");
  const uint32_t resolved = Resolve(b_, id);
  const btf_type* t = btf__type_by_id(b_, resolved);
  if (resolved == 0 || t == nullptr) {
    return FieldError(path, absl::StrCat("type ", TypeName(b_, id),
                                         " has no size and cannot be coded"));
  }
  if (ip_tagged) {
    if (IpArrayLength(b_, id) == 0) {
      return FieldError(path,
                        absl::StrCat(kIpAddrTag, " tag on ", TypeName(b_, id),
                                     ", which is not __u8[4] or __u8[16]"));
    }
    return absl::OkStatus();
  }
  switch (btf_kind(t)) {
    case BTF_KIND_INT:
      if (t->size > 8 || btf_int_bits(t) > 64) {
        return FieldError(path,
                          absl::StrCat(TypeName(b_, id), " is ", t->size * 8,
                                       " bits wide; at most 64 are "
                                       "supported"));
      }
      return absl::OkStatus();
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      if (t->size == 0 || t->size > 8) {
        return FieldError(
            path, absl::StrCat(TypeName(b_, id), " has size ", t->size));
      }
      return absl::OkStatus();
    case BTF_KIND_FLOAT:
      if (t->size != 4 && t->size != 8) {
        return FieldError(path,
                          absl::StrCat(TypeName(b_, id), " is a ", t->size * 8,
                                       "-bit float; only float and "
                                       "double are supported"));
      }
      return absl::OkStatus();
    case BTF_KIND_ARRAY:
      return Validate(btf_array(t)->type, absl::StrCat(path, "[]"), false,
                      depth + 1);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      const btf_member* m = btf_members(t);
      for (int i = 0; i < btf_vlen(t); ++i) {
        const std::string name = MemberName(b_, m[i]);
        const std::string member_path = name.empty() ? path : Field(path, name);
        const Slot slot = MemberSlot(t, i);
        const btf_type* mt = TypeOf(m[i].type);
        if (slot.bit_size > 0) {
          if (mt == nullptr || !(btf_is_int(mt) || btf_is_any_enum(mt)) ||
              slot.bit_size > 64) {
            return FieldError(member_path,
                              "bitfield of a type other than an integer or "
                              "enum is not supported");
          }
        } else if (slot.bit_offset % 8 != 0) {
          return FieldError(member_path, "member is not byte-aligned");
        }
        if (name.empty() && !IsAnonymousComposite(b_, m[i])) {
          return FieldError(path, absl::StrCat("member ", i,
                                               " has no name and is not a "
                                               "struct or union"));
        }
        absl::Status s =
            Validate(m[i].type, member_path,
                     types_.MemberHasTag(resolved, i, kIpAddrTag), depth + 1);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case BTF_KIND_PTR:
      return FieldError(path, absl::StrCat("pointer ", TypeName(b_, id),
                                           " cannot be coded: a kernel "
                                           "address means nothing here"));
    default:
      return FieldError(path, absl::StrCat(KindName(t), " ", TypeName(b_, id),
                                           " cannot be coded"));
  }
}

}  // namespace bpfwarden::btf_internal
