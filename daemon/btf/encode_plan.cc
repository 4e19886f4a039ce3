#include "daemon/btf/encode_plan.h"

#include <charconv>
#include <cstring>

#include "absl/types/span.h"
#include "daemon/btf/codec_walker.h"
#include "daemon/btf/json.h"
#include "daemon/btf/scalars.h"
#include "daemon/btf/type_info.h"

namespace bpfwarden::btf_internal {
namespace {

uint64_t LowBits(absl::int128 value, uint32_t bits) {
  const uint64_t low = absl::Int128Low64(value);
  return bits >= 64 ? low : low & ((uint64_t{1} << bits) - 1);
}

template <typename T>
void AppendNumber(T value, std::string& out) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

std::string Quoted(absl::string_view text) {
  std::string out;
  AppendJsonString(text.data(), text.size(), out);
  return out;
}

}  // namespace

void AppendJsonString(const char* text, size_t len, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t clean = 0;  // start of the run not yet copied
  for (size_t i = 0; i < len; ++i) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text + clean, i - clean);
    clean = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        const char escaped[] = {'\\', 'u',          '0',
                                '0',  kHex[c >> 4], kHex[c & 15]};
        out.append(escaped, sizeof(escaped));
      }
    }
  }
  out.append(text + clean, len - clean);
  out.push_back('"');
}

// ----------------------------------------------------------------- compile

EncodePlan EncodePlan::Compile(const BtfTypes& types, uint32_t type_id) {
  EncodePlan plan;
  plan.root_ = CompileType(types, type_id, false, 0);
  return plan;
}

EncodePlan::Node EncodePlan::CompileScalar(const struct btf* b, uint32_t id,
                                           uint32_t bit_offset, uint32_t bits) {
  const btf_type* t = btf__type_by_id(b, Resolve(b, id));
  Node node;
  node.bit_offset = bit_offset;
  node.bits = bits;
  if (btf_is_int(t)) {
    node.is_signed = IsSignedInt(t);
    node.op =
        IsBool(t) ? Op::kBool : (node.is_signed ? Op::kSigned : Op::kUnsigned);
    return node;
  }
  node.op = Op::kEnum;
  node.is_signed = IsSignedEnum(t);
  for (const auto& [name, value] : Enumerators(b, t)) {
    node.enumerators.push_back(Enumerator{LowBits(value, bits), Quoted(name)});
  }
  return node;
}

EncodePlan::Node EncodePlan::CompileType(const BtfTypes& types, uint32_t id,
                                         bool ip_tagged, uint32_t bit_offset) {
  const struct btf* b = types.get();
  const btf_type* t = btf__type_by_id(b, Resolve(b, id));
  Node node;
  node.bit_offset = bit_offset;
  if (ip_tagged) {
    node.op = Op::kIp;
    node.count = static_cast<uint32_t>(btf__resolve_size(b, id));
    return node;
  }
  switch (btf_kind(t)) {
    case BTF_KIND_INT:
      return CompileScalar(b, id, bit_offset + btf_int_offset(t),
                           btf_int_bits(t));
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return CompileScalar(b, id, bit_offset, t->size * 8);
    case BTF_KIND_FLOAT:
      node.op = t->size == 4 ? Op::kFloat : Op::kDouble;
      return node;
    case BTF_KIND_ARRAY: {
      node.op = IsCharArray(b, t) ? Op::kCharArray : Op::kArray;
      node.count = btf_array(t)->nelems;
      const int64_t size = btf__resolve_size(b, id);
      node.elem_size =
          node.count == 0 ? 0 : static_cast<uint32_t>(size / node.count);
      node.children.push_back(CompileType(types, btf_array(t)->type, false, 0));
      return node;
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      node.op = Op::kObject;
      CompileMembers(types, id, bit_offset, node);
      return node;
    default:
      node.op = Op::kObject;  // Validate refused everything else
      return node;
  }
}

void EncodePlan::CompileMembers(const BtfTypes& types, uint32_t id,
                                uint32_t bit_base, Node& object) {
  const struct btf* b = types.get();
  const uint32_t resolved = Resolve(b, id);
  const btf_type* t = btf__type_by_id(b, resolved);
  const btf_member* m = btf_members(t);
  for (int i = 0; i < btf_vlen(t); ++i) {
    const Slot slot = MemberSlot(t, i);
    const uint32_t at = bit_base + slot.bit_offset;
    if (slot.bit_size == 0 && IsAnonymousComposite(b, m[i])) {
      CompileMembers(types, m[i].type, at, object);
      continue;
    }
    Node member =
        slot.bit_size > 0
            ? CompileScalar(b, m[i].type, at, slot.bit_size)
            : CompileType(types, m[i].type,
                          types.MemberHasTag(resolved, i, kIpAddrTag), at);
    member.key = Quoted(MemberName(b, m[i])) + ":";
    // A repeated name keeps its first place and takes the last value, as
    // assigning into an ordered JSON object does.
    bool replaced = false;
    for (Node& existing : object.children) {
      if (existing.key == member.key) {
        existing = std::move(member);
        replaced = true;
        break;
      }
    }
    if (!replaced) object.children.push_back(std::move(member));
  }
}

// ------------------------------------------------------------------ encode

void EncodePlan::Encode(const uint8_t* bytes, std::string& out) const {
  Emit(root_, bytes, out);
}

uint64_t EncodePlan::ReadRaw(const Node& node, const uint8_t* base) {
  uint64_t raw = 0;
  if (node.bit_offset % 8 == 0 && node.bits % 8 == 0) {
    std::memcpy(&raw, base + node.bit_offset / 8, node.bits / 8);
  } else {
    // A bitfield: the slow, general path (bounds by the caller's size).
    const size_t end = (node.bit_offset + node.bits + 7) / 8;
    raw = absl::Int128Low64(ReadBits(absl::MakeConstSpan(base, end),
                                     node.bit_offset, node.bits, false));
  }
  if (node.is_signed && node.bits < 64 && ((raw >> (node.bits - 1)) & 1)) {
    raw |= ~uint64_t{0} << node.bits;  // sign-extend
  }
  return raw;
}

void EncodePlan::EmitArray(const Node& node, const uint8_t* base,
                           std::string& out) {
  const uint8_t* start = base + node.bit_offset / 8;
  out.push_back('[');
  for (uint32_t i = 0; i < node.count; ++i) {
    if (i > 0) out.push_back(',');
    Emit(node.children[0], start + i * node.elem_size, out);
  }
  out.push_back(']');
}

void EncodePlan::Emit(const Node& node, const uint8_t* base, std::string& out) {
  switch (node.op) {
    case Op::kUnsigned:
      AppendNumber(ReadRaw(node, base), out);
      return;
    case Op::kSigned:
      AppendNumber(static_cast<int64_t>(ReadRaw(node, base)), out);
      return;
    case Op::kBool:
      out.append(ReadRaw(node, base) != 0 ? "true" : "false");
      return;
    case Op::kEnum: {
      const uint64_t raw = ReadRaw(node, base);
      const uint64_t low =
          node.bits >= 64 ? raw : raw & ((uint64_t{1} << node.bits) - 1);
      for (const Enumerator& e : node.enumerators) {
        if (e.low_bits == low) {
          out.append(e.quoted);
          return;
        }
      }
      if (node.is_signed) {
        AppendNumber(static_cast<int64_t>(raw), out);
      } else {
        AppendNumber(raw, out);
      }
      return;
    }
    case Op::kFloat:
    case Op::kDouble: {
      double d;
      if (node.op == Op::kFloat) {
        float f;
        std::memcpy(&f, base + node.bit_offset / 8, 4);
        d = f;
      } else {
        std::memcpy(&d, base + node.bit_offset / 8, 8);
      }
      out.append(DumpJson(Json(d)));  // nlohmann's own number spelling
      return;
    }
    case Op::kIp:
      out.push_back('"');
      out.append(FormatIp(
          absl::MakeConstSpan(base + node.bit_offset / 8, node.count)));
      out.push_back('"');
      return;
    case Op::kCharArray: {
      const char* text =
          reinterpret_cast<const char*>(base + node.bit_offset / 8);
      const size_t len = strnlen(text, node.count);
      bool tail_clear = true;
      for (size_t i = len; i < node.count; ++i) tail_clear &= text[i] == 0;
      if (tail_clear && IsValidUtf8(absl::string_view(text, len))) {
        AppendJsonString(text, len, out);
        return;
      }
      EmitArray(node, base, out);
      return;
    }
    case Op::kArray:
      EmitArray(node, base, out);
      return;
    case Op::kObject:
      out.push_back('{');
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.append(node.children[i].key);
        Emit(node.children[i], base, out);
      }
      out.push_back('}');
      return;
  }
}

}  // namespace bpfwarden::btf_internal
