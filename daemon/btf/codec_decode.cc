// The codec walk: JSON to bytes.
#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/btf/codec_walker.h"
#include "daemon/btf/leaf_decode.h"
#include "daemon/btf/scalars.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden::btf_internal {

// ------------------------------------------------------------------ decode

void Walker::CollectNames(uint32_t composite,
                          std::vector<std::string>& names) const {
  const btf_type* t = TypeOf(composite);
  const btf_member* m = btf_members(t);
  for (int i = 0; i < btf_vlen(t); ++i) {
    if (IsAnonymousComposite(b_, m[i])) {
      CollectNames(m[i].type, names);
    } else {
      names.push_back(MemberName(b_, m[i]));
    }
  }
}

absl::Status Walker::DecodeObject(uint32_t id, const Json& value,
                                  const std::string& path,
                                  absl::Span<uint8_t> out,
                                  const DecodeOptions& options) const {
  if (!value.is_object()) {
    return FieldError(path,
                      absl::StrCat("expected an object for ", TypeName(b_, id),
                                   ", got ", JsonTypeName(value)));
  }
  std::vector<std::string> names;
  CollectNames(id, names);
  for (const auto& [key, unused] : value.items()) {
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      return FieldError(
          Field(path, key),
          absl::StrCat("unknown field (", TypeName(b_, id),
                       " has: ", absl::StrJoin(names, ", "), ")"));
    }
  }
  return DecodeMembers(id, value, path, out, options);
}

absl::Status Walker::DecodeMembers(uint32_t id, const Json& object,
                                   const std::string& path,
                                   absl::Span<uint8_t> out,
                                   const DecodeOptions& options) const {
  const btf_type* t = TypeOf(id);
  const btf_member* m = btf_members(t);
  // Whether the object gives member i (directly, or any field of an
  // anonymous member).
  auto given = [&](int i) {
    if (!IsAnonymousComposite(b_, m[i])) {
      return object.contains(MemberName(b_, m[i]));
    }
    std::vector<std::string> inner;
    CollectNames(m[i].type, inner);
    for (const std::string& name : inner) {
      if (object.contains(name)) return true;
    }
    return false;
  };
  if (btf_is_union(t)) {
    std::vector<std::string> all, chosen;
    int choice = -1;
    for (int i = 0; i < btf_vlen(t); ++i) {
      const std::string name = MemberName(b_, m[i]);
      all.push_back(name.empty() ? "(anonymous)" : name);
      if (given(i)) {
        chosen.push_back(all.back());
        choice = i;
      }
    }
    if (chosen.size() > 1) {
      return FieldError(path, absl::StrCat(TypeName(b_, id),
                                           " takes exactly one member, got ",
                                           absl::StrJoin(chosen, ", ")));
    }
    if (chosen.empty()) {
      if (options.zero_fill) return absl::OkStatus();
      return FieldError(path, absl::StrCat("missing field: ", TypeName(b_, id),
                                           " needs exactly one of ",
                                           absl::StrJoin(all, ", ")));
    }
    return DecodeMember(Resolve(b_, id), choice, object, path, out, options);
  }
  for (int i = 0; i < btf_vlen(t); ++i) {
    if (!given(i)) {
      if (options.zero_fill) continue;
      if (IsAnonymousComposite(b_, m[i])) {
        // Report the first missing field inside it.
        absl::Status s =
            DecodeMember(Resolve(b_, id), i, object, path, out, options);
        if (!s.ok()) return s;
        continue;
      }
      return FieldError(Field(path, MemberName(b_, m[i])), "missing field");
    }
    absl::Status s =
        DecodeMember(Resolve(b_, id), i, object, path, out, options);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// `object` is the enclosing JSON object; the member's value is taken from it
// by name (or is the object itself, for an anonymous member).
absl::Status Walker::DecodeMember(uint32_t parent_id, int i, const Json& object,
                                  const std::string& path,
                                  absl::Span<uint8_t> out,
                                  const DecodeOptions& options) const {
  const btf_type* parent = btf__type_by_id(b_, parent_id);
  const btf_member& m = btf_members(parent)[i];
  const Slot slot = MemberSlot(parent, i);
  if (IsAnonymousComposite(b_, m)) {
    const size_t size = btf__resolve_size(b_, m.type);
    return DecodeMembers(m.type, object, path,
                         out.subspan(slot.bit_offset / 8, size), options);
  }
  const std::string name = MemberName(b_, m);
  const std::string member_path = Field(path, name);
  const Json& value = object.at(name);
  if (slot.bit_size > 0) {
    absl::Status s =
        DecodeLeaf(b_, LeafSlot{m.type, slot.bit_offset, slot.bit_size, false},
                   ScalarOf(value), out);
    return s.ok() ? s : AtPath(member_path, s);
  }
  const size_t size = btf__resolve_size(b_, m.type);
  return Decode(m.type, value, member_path,
                out.subspan(slot.bit_offset / 8, size),
                types_.MemberHasTag(parent_id, i, kIpAddrTag), options);
}

absl::Status Walker::DecodeArray(uint32_t id, const Json& value,
                                 const std::string& path,
                                 absl::Span<uint8_t> out,
                                 const DecodeOptions& options) const {
  const btf_type* t = TypeOf(id);
  const uint32_t n = btf_array(t)->nelems;
  if (value.size() != n) {
    return FieldError(
        path, absl::StrCat("expected ", n, " elements for ", TypeName(b_, id),
                           ", got ", value.size()));
  }
  const size_t elem_size = n == 0 ? 0 : out.size() / n;
  for (uint32_t i = 0; i < n; ++i) {
    absl::Status s =
        Decode(btf_array(t)->type, value[i], Index(path, i),
               out.subspan(i * elem_size, elem_size), false, options);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Walker::Decode(uint32_t id, const Json& value,
                            const std::string& path, absl::Span<uint8_t> out,
                            bool ip_tagged,
                            const DecodeOptions& options) const {
  const LeafSlot slot{id, 0, 0, ip_tagged};
  if (value.is_array() && WalksInto(b_, slot, JsonScalar::Kind::kArray)) {
    return DecodeArray(id, value, path, out, options);
  }
  if (value.is_object() && WalksInto(b_, slot, JsonScalar::Kind::kObject)) {
    return DecodeObject(id, value, path, out, options);
  }
  absl::Status s = DecodeLeaf(b_, slot, ScalarOf(value), out);
  return s.ok() ? s : AtPath(path, s);
}

}  // namespace bpfwarden::btf_internal
