// The BTF JSON codec, both directions, through its public API (TypeCodec),
// on every codable type of the shipped object's BTF, and on a struct whose
// BTF the input generates. The first byte picks the type (or, with the
// second byte's bit 2, shapes the generated struct), the second the
// direction; the rest is the raw value (encode) or JSON text (decode, then
// the result is encoded back).
#include <bpf/btf.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bpf/bpfwarden_embedded.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/json.h"

namespace {

using bpfwarden::BtfTypes;
using bpfwarden::TypeCodec;

const std::vector<TypeCodec>& Codecs() {
  static const auto* codecs = [] {
    auto* out = new std::vector<TypeCodec>;
    std::span<const uint8_t> elf = bpfwarden::embedded::BpfwardenObject();
    auto types = BtfTypes::FromElf(elf.data(), elf.size());
    if (!types.ok()) return out;
    const int n = btf__type_cnt((*types)->get());
    for (int id = 1; id < n; ++id) {
      auto codec = TypeCodec::Create(*types, id, "value");
      if (codec.ok()) out->push_back(*std::move(codec));
    }
    return out;
  }();
  return *codecs;
}

// A struct of up to 8 members whose kinds `shape` picks: integers of each
// width and sign, _Bool, an enum, char[N] and an array of u16.
std::optional<TypeCodec> Generated(uint8_t shape) {
  bpfwarden::BtfPtr b(btf__new_empty());
  if (!b) return std::nullopt;
  btf* raw = b.get();
  const int u8 = btf__add_int(raw, "unsigned char", 1, 0);
  const int u16 = btf__add_int(raw, "unsigned short", 2, 0);
  const int s32 = btf__add_int(raw, "int", 4, BTF_INT_SIGNED);
  const int u64 = btf__add_int(raw, "unsigned long long", 8, 0);
  const int boolean = btf__add_int(raw, "_Bool", 1, BTF_INT_BOOL);
  const int chr = btf__add_int(raw, "char", 1, BTF_INT_SIGNED);
  const int color = btf__add_enum(raw, "color", 4);
  btf__add_enum_value(raw, "RED", 0);
  btf__add_enum_value(raw, "GREEN", 7);
  const int name = btf__add_array(raw, s32, chr, 1 + shape % 13);
  const int words = btf__add_array(raw, s32, u16, 1 + shape % 3);
  struct Member {
    int type;
    uint32_t size;
  };
  const Member kinds[] = {{u8, 1},
                          {u16, 2},
                          {s32, 4},
                          {u64, 8},
                          {boolean, 1},
                          {color, 4},
                          {name, 1u + shape % 13},
                          {words, 2u * (1 + shape % 3)}};
  struct Placed {
    int type;
    uint32_t offset;
  };
  std::vector<Placed> members;
  uint32_t offset = 0;
  for (int i = 0; i <= shape % 8; ++i) {
    const Member& m = kinds[(shape / (i + 1) + i) % 8];
    const uint32_t align =
        m.size >= 8 ? 8 : (m.size >= 4 ? 4 : (m.size >= 2 ? 2 : 1));
    offset = (offset + align - 1) / align * align;
    members.push_back({m.type, offset});
    offset += m.size;
  }
  const int id = btf__add_struct(raw, "generated", (offset + 7) / 8 * 8);
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string field = "f" + std::to_string(i);
    btf__add_field(raw, field.c_str(), members[i].type, members[i].offset * 8,
                   0);
  }
  auto types = BtfTypes::Create(std::move(b));
  if (!types.ok()) return std::nullopt;
  auto codec = TypeCodec::Create(*types, id, "value");
  if (!codec.ok()) return std::nullopt;
  return *std::move(codec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<TypeCodec>& codecs = Codecs();
  if (codecs.empty()) __builtin_trap();  // the shipped BTF must be codable
  if (size < 2) return 0;
  std::optional<TypeCodec> generated;
  if (data[1] & 4) {
    generated = Generated(data[0]);
    if (!generated.has_value()) __builtin_trap();  // all of it is codable
  }
  const TypeCodec& codec =
      generated.has_value() ? *generated : codecs[data[0] % codecs.size()];
  const bool decode = data[1] & 1;
  bpfwarden::DecodeOptions options;
  options.zero_fill = data[1] & 2;
  data += 2;
  size -= 2;
  if (!decode) {
    std::vector<uint8_t> bytes(data, data + size);
    bytes.resize(codec.size());
    auto json = codec.Encode(bytes);
    // The compiled text plan writes exactly what the DOM encoder prints.
    std::string text;
    const bool text_ok = codec.EncodeText(bytes, text).ok();
    if (text_ok != json.ok()) __builtin_trap();
    if (json.ok() && text != bpfwarden::DumpJson(*json)) __builtin_trap();
    if (json.ok()) (void)codec.Decode(*json, options);
    return 0;
  }
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto json = bpfwarden::ParseJson(input, "value");
  // The text decoder (no DOM) agrees with ParseJson then Decode exactly:
  // the same bytes, or the same status and message.
  auto from_text = codec.DecodeText(input, options);
  if (!json.ok()) {
    if (from_text.ok() || from_text.status() != json.status()) {
      __builtin_trap();
    }
    return 0;
  }
  auto bytes = codec.Decode(*json, options);
  if (bytes.ok() != from_text.ok()) __builtin_trap();
  if (!bytes.ok() && bytes.status() != from_text.status()) __builtin_trap();
  if (bytes.ok() && *bytes != *from_text) __builtin_trap();
  if (!bytes.ok()) return 0;
  if (bytes->size() != codec.size()) __builtin_trap();
  if (!codec.Encode(*bytes).ok()) __builtin_trap();  // what decodes, encodes
  return 0;
}
