// The BTF JSON codec, both directions, through its public API (TypeCodec),
// on every codable type of the shipped object's BTF. The first byte picks
// the type, the second the direction; the rest is the raw value (encode)
// or JSON text (decode, then the result is encoded back).
#include <bpf/btf.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bpf/bpfwarden_embedded.h"
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<TypeCodec>& codecs = Codecs();
  if (codecs.empty()) __builtin_trap();  // the shipped BTF must be codable
  if (size < 2) return 0;
  const TypeCodec& codec = codecs[data[0] % codecs.size()];
  const bool decode = data[1] & 1;
  bpfwarden::DecodeOptions options;
  options.zero_fill = data[1] & 2;
  data += 2;
  size -= 2;
  if (!decode) {
    std::vector<uint8_t> bytes(data, data + size);
    bytes.resize(codec.size());
    auto json = codec.Encode(bytes);
    if (json.ok()) (void)codec.Decode(*json, options);
    return 0;
  }
  auto json = bpfwarden::ParseJson(
      std::string(reinterpret_cast<const char*>(data), size), "value");
  if (!json.ok()) return 0;
  auto bytes = codec.Decode(*json, options);
  if (!bytes.ok()) return 0;
  if (bytes->size() != codec.size()) __builtin_trap();
  if (!codec.Encode(*bytes).ok()) __builtin_trap();  // what decodes, encodes
  return 0;
}
