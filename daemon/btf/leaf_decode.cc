#include "daemon/btf/leaf_decode.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden::btf_internal {
namespace {

using Kind = JsonScalar::Kind;

absl::Status Error(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

const btf_type* TypeOf(const struct btf* b, uint32_t id) {
  return btf__type_by_id(b, Resolve(b, id));
}

absl::Status DecodeScalarBits(const struct btf* b, uint32_t id,
                              const JsonScalar& value, absl::Span<uint8_t> out,
                              uint32_t bit_offset, uint32_t bits) {
  const btf_type* t = TypeOf(b, id);
  // Spelled out only for messages.
  auto type_name = [&] {
    return bits == t->size * 8 ? TypeName(b, id)
                               : absl::StrCat(TypeName(b, id), ":", bits);
  };
  if (btf_is_int(t) && IsBool(t)) {
    if (value.kind != Kind::kBool) {
      return Error(absl::StrCat("expected true or false for ", type_name(),
                                ", got ", JsonTypeName(value)));
    }
    WriteBits(out, bit_offset, bits, value.boolean ? 1 : 0);
    return absl::OkStatus();
  }
  const bool is_enum = btf_is_any_enum(t);
  const bool is_signed = is_enum ? IsSignedEnum(t) : IsSignedInt(t);
  absl::int128 number;
  if (is_enum && value.kind == Kind::kString) {
    std::vector<std::string> known;
    bool found = false;
    for (const auto& [enumerator, v] : Enumerators(b, t)) {
      known.push_back(enumerator);
      if (enumerator == value.text) {
        number = v;
        found = true;
        break;
      }
    }
    if (!found) {
      // A numeric string is still a number.
      absl::StatusOr<absl::int128> parsed = JsonInteger(value);
      if (!parsed.ok()) {
        return Error(absl::StrCat("unknown enumerator \"", value.text,
                                  "\" for ", type_name(), " (known: ",
                                  absl::StrJoin(known, ", "), ")"));
      }
      number = *parsed;
    }
    // Enumerator values are the enum's own: write their bits as they are.
    if (!found && !InRange(number, bits, is_signed)) {
      return CheckRange(number, bits, is_signed, type_name());
    }
  } else {
    absl::StatusOr<absl::int128> parsed = JsonInteger(value);
    if (!parsed.ok()) {
      return Error(
          absl::StrCat(parsed.status().message(), " for ", type_name(),
                       is_enum ? " (an enumerator name or a number)" : ""));
    }
    number = *parsed;
    if (!InRange(number, bits, is_signed)) {
      return CheckRange(number, bits, is_signed, type_name());
    }
  }
  WriteBits(out, bit_offset, bits, number);
  return absl::OkStatus();
}

absl::Status DecodeCharString(const struct btf* b, uint32_t id,
                              absl::string_view text, absl::Span<uint8_t> out) {
  if (text.find('\0') != absl::string_view::npos) {
    return Error(
        absl::StrCat("string for ", TypeName(b, id), " contains a NUL byte"));
  }
  if (text.size() > out.size()) {
    return Error(absl::StrCat("string of ", text.size(),
                              " bytes does not fit ", TypeName(b, id)));
  }
  std::memset(out.data(), 0, out.size());
  std::memcpy(out.data(), text.data(), text.size());
  return absl::OkStatus();
}

absl::Status DecodeFloat(const struct btf* b, uint32_t id,
                         const JsonScalar& value, absl::Span<uint8_t> out) {
  if (!value.is_number()) {
    return Error(absl::StrCat("expected a number for ", TypeName(b, id),
                              ", got ", JsonTypeName(value)));
  }
  const double d = value.AsDouble();
  if (out.size() == 4) {
    if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()) {
      return Error(absl::StrCat(DumpJson(Json(d)), " overflows ",
                                TypeName(b, id)));
    }
    const float f = static_cast<float>(d);
    std::memcpy(out.data(), &f, 4);
  } else {
    std::memcpy(out.data(), &d, 8);
  }
  return absl::OkStatus();
}

}  // namespace

bool WalksInto(const struct btf* b, const LeafSlot& slot,
               JsonScalar::Kind kind) {
  if (slot.ip_tagged || slot.bit_size > 0) return false;
  const btf_type* t = TypeOf(b, slot.id);
  if (kind == Kind::kArray) return btf_is_array(t);
  if (kind == Kind::kObject) return btf_is_composite(t);
  return false;
}

absl::Status DecodeLeaf(const struct btf* b, const LeafSlot& slot,
                        const JsonScalar& value, absl::Span<uint8_t> out) {
  const uint32_t id = slot.id;
  if (slot.ip_tagged) {
    if (value.kind != Kind::kString) {
      return Error(absl::StrCat("expected an IP address string for ",
                                TypeName(b, id), ", got ",
                                JsonTypeName(value)));
    }
    return ParseIp(value.text, out);
  }
  if (slot.bit_size > 0) {
    return DecodeScalarBits(b, id, value, out, slot.bit_offset, slot.bit_size);
  }
  const btf_type* t = TypeOf(b, id);
  switch (btf_kind(t)) {
    case BTF_KIND_INT:
      return DecodeScalarBits(b, id, value, out, btf_int_offset(t),
                              btf_int_bits(t));
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return DecodeScalarBits(b, id, value, out, 0, t->size * 8);
    case BTF_KIND_FLOAT:
      return DecodeFloat(b, id, value, out);
    case BTF_KIND_ARRAY: {
      const uint32_t n = btf_array(t)->nelems;
      const bool text = IsCharArray(b, t);
      if (text && value.kind == Kind::kString) {
        return DecodeCharString(b, id, value.text, out);
      }
      if (value.kind == Kind::kArray) {
        return absl::InternalError("an array is walked, not a leaf");
      }
      return Error(absl::StrCat("expected ", text ? "a string or " : "",
                                "an array of ", n, " elements for ",
                                TypeName(b, id), ", got ",
                                JsonTypeName(value)));
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      if (value.kind == Kind::kObject) {
        return absl::InternalError("an object is walked, not a leaf");
      }
      return Error(absl::StrCat("expected an object for ", TypeName(b, id),
                                ", got ", JsonTypeName(value)));
    default:
      return Error("type cannot be coded");
  }
}

}  // namespace bpfwarden::btf_internal
