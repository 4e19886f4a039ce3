// The fast text encoder (TypeCodec::EncodeText, compiled plans) against the
// DOM encoder it replaces on the request path: on random bytes, for every
// type of the codec's test BTF and every map of the shipped object, the text
// is exactly DumpJson(Encode(bytes)), and a typed round trip through either
// gives the same bytes; the text decoder (DecodeText) agrees with the DOM
// decoder on every text, and gives back the random bytes where the text
// holds them exactly.
#include <bpf/libbpf.h>

#include <random>
#include <string>
#include <vector>

#include "bpf/bpfwarden_embedded.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/codec_testing.h"
#include "daemon/btf/json.h"
#include "gtest/gtest.h"

namespace bpfwarden::btf_testing {
namespace {

// Bytes that hit every branch: zeros, text, control bytes, anything.
std::vector<uint8_t> RandomBytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> out(n);
  const int style = rng() % 4;
  for (uint8_t& b : out) {
    const int pick = style == 3 ? rng() % 4 : style;
    switch (pick) {
      case 0:
        b = rng() % 8 == 0 ? static_cast<uint8_t>(rng()) : 0;
        break;
      case 1:
        b = static_cast<uint8_t>(0x20 + rng() % 0x5f);  // printable ASCII
        break;
      case 2:
        b = static_cast<uint8_t>(rng() % 0x24);  // controls, '"', ' '
        if (b == 0x21) b = '\\';
        break;
      default:
        b = static_cast<uint8_t>(rng());
    }
  }
  return out;
}

// Compares the two encoders and the two round trips on `rounds` inputs.
// Counts in `lossless` the inputs that round-trip exactly.
void ExpectSameAsDom(const TypeCodec& codec, int rounds, uint64_t seed,
                     int& lossless) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < rounds; ++i) {
    const std::vector<uint8_t> bytes = RandomBytes(rng, codec.size());
    absl::StatusOr<Json> dom = codec.Encode(bytes);
    ASSERT_TRUE(dom.ok()) << dom.status();
    std::string text;
    ASSERT_TRUE(codec.EncodeText(bytes, text).ok());
    ASSERT_EQ(text, DumpJson(*dom)) << "type " << codec.type_id();
    // Typed round trip: text -> bytes equals DOM -> bytes.
    absl::StatusOr<Json> parsed = ParseJson(text, "text");
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    absl::StatusOr<std::vector<uint8_t>> from_text =
        DecodeTextBoth(codec, text);
    absl::StatusOr<std::vector<uint8_t>> from_dom = codec.Decode(*dom);
    // Where the text holds the bytes exactly (no padding, no bytes after a
    // string's NUL, no NaN payloads), the text decoder gives them back.
    if (from_dom.ok() && *from_dom == bytes) {
      ++lossless;
      EXPECT_EQ(*codec.DecodeText(text), bytes) << text;
    }
    ASSERT_EQ(from_text.ok(), from_dom.ok()) << text;
    if (from_dom.ok()) {
      EXPECT_EQ(*from_text, *from_dom) << text;
    } else {
      EXPECT_EQ(from_text.status(), from_dom.status());
    }
  }
}

TEST_F(CodecTest, TextEqualsDomForEveryTestType) {
  int coded = 0, lossless = 0;
  for (uint32_t id = 1; id < btf__type_cnt(types_->get()); ++id) {
    absl::StatusOr<TypeCodec> codec = TypeCodec::Create(types_, id, "value");
    if (!codec.ok()) continue;  // refused kinds: pointers, functions, ...
    ++coded;
    ExpectSameAsDom(*codec, 300, id, lossless);
  }
  EXPECT_GT(coded, 20);
  EXPECT_GT(lossless, 1000);
}

TEST_F(CodecTest, TextEscapesLikeNlohmann) {
  TypeCodec codec = Codec(ids_.rule);
  std::vector<uint8_t> bytes(codec.size());
  const char text[] = "a\"b\\c\n\t\x01\x7f\xc3\xa9";
  std::memcpy(bytes.data(), text, sizeof(text) - 1);
  std::string out;
  ASSERT_TRUE(codec.EncodeText(bytes, out).ok());
  EXPECT_EQ(out, DumpJson(*codec.Encode(bytes)));
  EXPECT_NE(out.find(R"("cc":"a\"b\\c\n\t\u0001)"), std::string::npos) << out;
}

TEST_F(CodecTest, TextRefusesTheWrongSize) {
  std::string out;
  absl::Status s = Codec(ids_.inner).EncodeText(std::vector<uint8_t>(3), out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "value: expected 4 bytes for struct inner, got 3");
}

// Every map of the shipped object whose key or value has a codec.
TEST(ShippedMapsTextTest, TextEqualsDomForEveryShippedMap) {
  std::span<const uint8_t> elf = embedded::BpfwardenObject();
  auto types = BtfTypes::FromElf(elf.data(), elf.size());
  ASSERT_TRUE(types.ok()) << types.status();
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "shipped");
  bpf_object* obj = bpf_object__open_mem(elf.data(), elf.size(), &opts);
  ASSERT_NE(obj, nullptr);
  int coded = 0, lossless = 0;
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    for (uint32_t id :
         {bpf_map__btf_key_type_id(map), bpf_map__btf_value_type_id(map)}) {
      if (id == 0) continue;
      absl::StatusOr<TypeCodec> codec = TypeCodec::Create(*types, id, "value");
      if (!codec.ok()) continue;
      ++coded;
      SCOPED_TRACE(bpf_map__name(map));
      ExpectSameAsDom(*codec, 2000, id, lossless);
    }
  }
  bpf_object__close(obj);
  EXPECT_GE(coded, 6);
  EXPECT_GT(lossless, 2000);
}

}  // namespace
}  // namespace bpfwarden::btf_testing
