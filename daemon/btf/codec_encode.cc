// The codec walk: bytes to JSON.
#include <cstring>

#include "absl/status/status.h"
#include "daemon/btf/codec_walker.h"
#include "daemon/btf/scalars.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden::btf_internal {

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

}  // namespace bpfwarden::btf_internal
