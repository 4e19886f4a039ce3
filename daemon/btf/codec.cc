#include "daemon/btf/codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/btf/scalars.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden {
namespace {

using btf_internal::CheckRange;
using btf_internal::Enumerators;
using btf_internal::FormatIp;
using btf_internal::InRange;
using btf_internal::IntegerJson;
using btf_internal::IpArrayLength;
using btf_internal::IsBool;
using btf_internal::IsCharArray;
using btf_internal::IsSignedEnum;
using btf_internal::IsSignedInt;
using btf_internal::IsValidUtf8;
using btf_internal::JsonInteger;
using btf_internal::JsonTypeName;
using btf_internal::KindName;
using btf_internal::MemberName;
using btf_internal::ParseIp;
using btf_internal::ReadBits;
using btf_internal::Resolve;
using btf_internal::TypeName;
using btf_internal::WriteBits;

constexpr int kMaxDepth = 32;

absl::Status FieldError(absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", why));
}

// Prefixes an error from a scalar helper with the field path.
absl::Status AtPath(absl::string_view path, const absl::Status& status) {
  return FieldError(path, status.message());
}

std::string Field(absl::string_view path, absl::string_view name) {
  return absl::StrCat(path, ".", name);
}

std::string Index(absl::string_view path, size_t i) {
  return absl::StrCat(path, "[", i, "]");
}

// A member that is an anonymous struct or union: its fields belong to the
// enclosing JSON object.
bool IsAnonymousComposite(const struct btf* b, const btf_member& m) {
  if (!MemberName(b, m).empty()) return false;
  const btf_type* t = btf__type_by_id(b, Resolve(b, m.type));
  return t != nullptr && btf_is_composite(t);
}

// Where a member's value is within its parent, for bitfields and plain
// members alike.
struct Slot {
  uint32_t bit_offset = 0;  // from the parent's start
  uint32_t bit_size = 0;    // 0: not a bitfield
};

Slot MemberSlot(const btf_type* parent, int i) {
  return Slot{btf_member_bit_offset(parent, i),
              btf_member_bitfield_size(parent, i)};
}

class Walker {
 public:
  explicit Walker(const BtfTypes& types) : types_(types), b_(types.get()) {}

  absl::Status Validate(uint32_t id, const std::string& path, bool ip_tagged,
                        int depth) const;
  Json Encode(uint32_t id, absl::Span<const uint8_t> bytes,
              bool ip_tagged) const;
  absl::Status Decode(uint32_t id, const Json& value, const std::string& path,
                      absl::Span<uint8_t> out, bool ip_tagged,
                      const DecodeOptions& options) const;

 private:
  void EncodeMembers(uint32_t id, absl::Span<const uint8_t> bytes,
                     Json& object) const;
  Json EncodeScalarBits(uint32_t id, absl::Span<const uint8_t> bytes,
                        uint32_t bit_offset, uint32_t bits) const;
  Json EncodeArray(const btf_type* t, absl::Span<const uint8_t> bytes) const;

  void CollectNames(uint32_t composite, std::vector<std::string>& names) const;
  absl::Status DecodeObject(uint32_t id, const Json& value,
                            const std::string& path, absl::Span<uint8_t> out,
                            const DecodeOptions& options) const;
  absl::Status DecodeMembers(uint32_t id, const Json& object,
                             const std::string& path, absl::Span<uint8_t> out,
                             const DecodeOptions& options) const;
  absl::Status DecodeMember(uint32_t parent_id, int i, const Json& object,
                            const std::string& path, absl::Span<uint8_t> out,
                            const DecodeOptions& options) const;
  absl::Status DecodeScalarBits(uint32_t id, const Json& value,
                                const std::string& path,
                                absl::Span<uint8_t> out, uint32_t bit_offset,
                                uint32_t bits) const;
  absl::Status DecodeArray(uint32_t id, const Json& value,
                           const std::string& path, absl::Span<uint8_t> out,
                           const DecodeOptions& options) const;
  absl::Status DecodeCharString(uint32_t id, const Json& value,
                                const std::string& path,
                                absl::Span<uint8_t> out) const;
  absl::Status DecodeFloat(uint32_t id, const Json& value,
                           const std::string& path,
                           absl::Span<uint8_t> out) const;

  const btf_type* TypeOf(uint32_t id) const {
    return btf__type_by_id(b_, Resolve(b_, id));
  }

  const BtfTypes& types_;
  const struct btf* b_;
};

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

// ------------------------------------------------------------------ encode

Json Walker::EncodeScalarBits(uint32_t id, absl::Span<const uint8_t> bytes,
                              uint32_t bit_offset, uint32_t bits) const {
  const btf_type* t = TypeOf(id);
  if (btf_is_int(t)) {
    const absl::int128 v = ReadBits(bytes, bit_offset, bits, IsSignedInt(t));
    if (IsBool(t)) return Json(v != 0);
    return IntegerJson(v);
  }
  // An enum: the name of the enumerator with this value, else the number.
  const bool is_signed = IsSignedEnum(t);
  const absl::int128 v = ReadBits(bytes, bit_offset, bits, is_signed);
  for (const auto& [name, value] : Enumerators(b_, t)) {
    const absl::int128 mask = (absl::int128(1) << bits) - 1;
    if ((value & mask) == (v & mask)) return Json(name);
  }
  return IntegerJson(v);
}

Json Walker::EncodeArray(const btf_type* t,
                         absl::Span<const uint8_t> bytes) const {
  const uint32_t n = btf_array(t)->nelems;
  if (IsCharArray(b_, t)) {
    const char* text = reinterpret_cast<const char*>(bytes.data());
    const size_t len = strnlen(text, n);
    bool tail_clear = true;
    for (size_t i = len; i < n; ++i) tail_clear &= bytes[i] == 0;
    absl::string_view s(text, len);
    if (tail_clear && IsValidUtf8(s)) return Json(std::string(s));
  }
  const uint32_t elem = btf_array(t)->type;
  const size_t elem_size = n == 0 ? 0 : bytes.size() / n;
  Json out = Json::array();
  for (uint32_t i = 0; i < n; ++i) {
    out.push_back(Encode(elem, bytes.subspan(i * elem_size, elem_size), false));
  }
  return out;
}

void Walker::EncodeMembers(uint32_t id, absl::Span<const uint8_t> bytes,
                           Json& object) const {
  const uint32_t resolved = Resolve(b_, id);
  const btf_type* t = btf__type_by_id(b_, resolved);
  const btf_member* m = btf_members(t);
  for (int i = 0; i < btf_vlen(t); ++i) {
    const Slot slot = MemberSlot(t, i);
    if (slot.bit_size > 0) {
      object[MemberName(b_, m[i])] =
          EncodeScalarBits(m[i].type, bytes, slot.bit_offset, slot.bit_size);
      continue;
    }
    const size_t size = btf__resolve_size(b_, m[i].type);
    auto sub = bytes.subspan(slot.bit_offset / 8, size);
    if (IsAnonymousComposite(b_, m[i])) {
      EncodeMembers(m[i].type, sub, object);
    } else {
      object[MemberName(b_, m[i])] =
          Encode(m[i].type, sub, types_.MemberHasTag(resolved, i, kIpAddrTag));
    }
  }
}

Json Walker::Encode(uint32_t id, absl::Span<const uint8_t> bytes,
                    bool ip_tagged) const {
  if (ip_tagged) return Json(FormatIp(bytes));
  const btf_type* t = TypeOf(id);
  switch (btf_kind(t)) {
    case BTF_KIND_INT:
      return EncodeScalarBits(id, bytes, btf_int_offset(t), btf_int_bits(t));
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return EncodeScalarBits(id, bytes, 0, t->size * 8);
    case BTF_KIND_FLOAT:
      if (t->size == 4) {
        float f;
        std::memcpy(&f, bytes.data(), 4);
        return Json(static_cast<double>(f));
      } else {
        double d;
        std::memcpy(&d, bytes.data(), 8);
        return Json(d);
      }
    case BTF_KIND_ARRAY:
      return EncodeArray(t, bytes);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      Json object = Json::object();
      EncodeMembers(id, bytes, object);
      return object;
    }
    default:
      return Json();  // Validate refused everything else
  }
}

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

}  // namespace

absl::StatusOr<TypeCodec> TypeCodec::Create(
    std::shared_ptr<const BtfTypes> types, uint32_t type_id, std::string root) {
  if (types == nullptr) return absl::InvalidArgumentError("no BTF given");
  const struct btf* b = types->get();
  if (type_id == 0 || type_id >= btf__type_cnt(b)) {
    return absl::InvalidArgumentError(
        absl::StrCat(root, ": BTF type id ", type_id, " does not exist"));
  }
  absl::Status valid = Walker(*types).Validate(type_id, root, false, 0);
  if (!valid.ok()) return valid;
  const int64_t size = btf__resolve_size(b, type_id);
  if (size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(root, ": cannot size ", TypeName(b, type_id)));
  }
  return TypeCodec(std::move(types), type_id, static_cast<size_t>(size),
                   std::move(root));
}

absl::StatusOr<Json> TypeCodec::Encode(absl::Span<const uint8_t> bytes) const {
  if (bytes.size() != size_) {
    return absl::InvalidArgumentError(absl::StrCat(
        root_, ": expected ", size_, " bytes for ",
        TypeName(types_->get(), type_id_), ", got ", bytes.size()));
  }
  return Walker(*types_).Encode(type_id_, bytes, false);
}

absl::StatusOr<std::vector<uint8_t>> TypeCodec::Decode(
    const Json& value, const DecodeOptions& options) const {
  std::vector<uint8_t> out(size_, 0);
  absl::Status s = Walker(*types_).Decode(type_id_, value, root_,
                                          absl::MakeSpan(out), false, options);
  if (!s.ok()) return s;
  return out;
}

}  // namespace bpfwarden
