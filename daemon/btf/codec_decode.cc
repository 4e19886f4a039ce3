// The codec walk: JSON to bytes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/btf/codec_walker.h"
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
    return DecodeScalarBits(m.type, value, member_path, out, slot.bit_offset,
                            slot.bit_size);
  }
  const size_t size = btf__resolve_size(b_, m.type);
  return Decode(m.type, value, member_path,
                out.subspan(slot.bit_offset / 8, size),
                types_.MemberHasTag(parent_id, i, kIpAddrTag), options);
}

absl::Status Walker::DecodeScalarBits(uint32_t id, const Json& value,
                                      const std::string& path,
                                      absl::Span<uint8_t> out,
                                      uint32_t bit_offset,
                                      uint32_t bits) const {
  const btf_type* t = TypeOf(id);
  // Spelled out only for messages.
  auto type_name = [&] {
    return bits == t->size * 8 ? TypeName(b_, id)
                               : absl::StrCat(TypeName(b_, id), ":", bits);
  };
  if (btf_is_int(t) && IsBool(t)) {
    if (!value.is_boolean()) {
      return FieldError(path,
                        absl::StrCat("expected true or false for ", type_name(),
                                     ", got ", JsonTypeName(value)));
    }
    WriteBits(out, bit_offset, bits, value.get<bool>() ? 1 : 0);
    return absl::OkStatus();
  }
  const bool is_enum = btf_is_any_enum(t);
  const bool is_signed = is_enum ? IsSignedEnum(t) : IsSignedInt(t);
  absl::int128 number;
  if (is_enum && value.is_string()) {
    const std::string name = value.get<std::string>();
    std::vector<std::string> known;
    bool found = false;
    for (const auto& [enumerator, v] : Enumerators(b_, t)) {
      known.push_back(enumerator);
      if (enumerator == name) {
        number = v;
        found = true;
        break;
      }
    }
    if (!found) {
      // A numeric string is still a number.
      absl::StatusOr<absl::int128> parsed = JsonInteger(value);
      if (!parsed.ok()) {
        return FieldError(
            path,
            absl::StrCat("unknown enumerator \"", name, "\" for ", type_name(),
                         " (known: ", absl::StrJoin(known, ", "), ")"));
      }
      number = *parsed;
    }
    // Enumerator values are the enum's own: write their bits as they are.
    if (!found && !InRange(number, bits, is_signed)) {
      return AtPath(path, CheckRange(number, bits, is_signed, type_name()));
    }
  } else {
    absl::StatusOr<absl::int128> parsed = JsonInteger(value);
    if (!parsed.ok()) {
      return FieldError(
          path,
          absl::StrCat(parsed.status().message(), " for ", type_name(),
                       is_enum ? " (an enumerator name or a number)" : ""));
    }
    number = *parsed;
    if (!InRange(number, bits, is_signed)) {
      return AtPath(path, CheckRange(number, bits, is_signed, type_name()));
    }
  }
  WriteBits(out, bit_offset, bits, number);
  return absl::OkStatus();
}

absl::Status Walker::DecodeCharString(uint32_t id, const Json& value,
                                      const std::string& path,
                                      absl::Span<uint8_t> out) const {
  const std::string text = value.get<std::string>();
  if (text.find('\0') != std::string::npos) {
    return FieldError(path, absl::StrCat("string for ", TypeName(b_, id),
                                         " contains a NUL byte"));
  }
  if (text.size() > out.size()) {
    return FieldError(
        path, absl::StrCat("string of ", text.size(), " bytes does not fit ",
                           TypeName(b_, id)));
  }
  std::memset(out.data(), 0, out.size());
  std::memcpy(out.data(), text.data(), text.size());
  return absl::OkStatus();
}

absl::Status Walker::DecodeArray(uint32_t id, const Json& value,
                                 const std::string& path,
                                 absl::Span<uint8_t> out,
                                 const DecodeOptions& options) const {
  const btf_type* t = TypeOf(id);
  const uint32_t n = btf_array(t)->nelems;
  const bool text = IsCharArray(b_, t);
  if (text && value.is_string()) return DecodeCharString(id, value, path, out);
  if (!value.is_array()) {
    return FieldError(
        path, absl::StrCat("expected ", text ? "a string or " : "",
                           "an array of ", n, " elements for ",
                           TypeName(b_, id), ", got ", JsonTypeName(value)));
  }
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

absl::Status Walker::DecodeFloat(uint32_t id, const Json& value,
                                 const std::string& path,
                                 absl::Span<uint8_t> out) const {
  if (!value.is_number()) {
    return FieldError(
        path, absl::StrCat("expected a number for ", TypeName(b_, id), ", got ",
                           JsonTypeName(value)));
  }
  const double d = value.get<double>();
  if (out.size() == 4) {
    if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()) {
      return FieldError(
          path, absl::StrCat(DumpJson(value), " overflows ", TypeName(b_, id)));
    }
    const float f = static_cast<float>(d);
    std::memcpy(out.data(), &f, 4);
  } else {
    std::memcpy(out.data(), &d, 8);
  }
  return absl::OkStatus();
}

absl::Status Walker::Decode(uint32_t id, const Json& value,
                            const std::string& path, absl::Span<uint8_t> out,
                            bool ip_tagged,
                            const DecodeOptions& options) const {
  if (ip_tagged) {
    if (!value.is_string()) {
      return FieldError(
          path, absl::StrCat("expected an IP address string for ",
                             TypeName(b_, id), ", got ", JsonTypeName(value)));
    }
    absl::Status s = ParseIp(value.get<std::string>(), out);
    return s.ok() ? s : AtPath(path, s);
  }
  const btf_type* t = TypeOf(id);
  switch (btf_kind(t)) {
    case BTF_KIND_INT:
      return DecodeScalarBits(id, value, path, out, btf_int_offset(t),
                              btf_int_bits(t));
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return DecodeScalarBits(id, value, path, out, 0, t->size * 8);
    case BTF_KIND_FLOAT:
      return DecodeFloat(id, value, path, out);
    case BTF_KIND_ARRAY:
      return DecodeArray(id, value, path, out, options);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      return DecodeObject(id, value, path, out, options);
    default:
      return FieldError(path, "type cannot be coded");
  }
}

}  // namespace bpfwarden::btf_internal
