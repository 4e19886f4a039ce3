// The codec against BTF built in memory: unions, anonymous members,
// bitfields, floats, per-CPU values and layouts.
#include "daemon/btf/codec.h"
#include "daemon/btf/codec_testing.h"
#include "daemon/btf/per_cpu.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::btf_testing::DecodeBoth;
using ::bpfwarden::btf_testing::DecodePerCpuBoth;
using ::bpfwarden::btf_testing::DecodeTextBoth;

using ::bpfwarden::btf_testing::CodecTest;
using ::bpfwarden::btf_testing::With;
using ::testing::HasSubstr;

TEST_F(CodecTest, Unions) {
  TypeCodec codec = Codec(ids_.num_union);
  auto bytes = DecodeBoth(codec, Json{{"x", 7}});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, std::vector<uint8_t>({7, 0, 0, 0, 0, 0, 0, 0}));
  // Encode shows every member's reading.
  EXPECT_EQ(*codec.Encode(*bytes), (Json{{"x", 7}, {"y", 7}}));
  ExpectError(ids_.num_union, Json{{"x", 1}, {"y", 2}},
              "value: union num takes exactly one member, got x, y");
  ExpectError(ids_.num_union, Json::object(),
              "value: missing field: union num needs exactly one of x, y");
  EXPECT_TRUE(DecodeBoth(codec, Json::object(), {.zero_fill = true}).ok());
}

TEST_F(CodecTest, AnonymousMembersAreFlattened) {
  TypeCodec codec = Codec(ids_.anon_outer);
  auto bytes = DecodeBoth(codec, Json{{"kind", 1}, {"port", 443}});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*codec.Encode(*bytes),
            (Json{{"kind", 1}, {"port", 443}, {"proto", 443}}));
  ExpectError(ids_.anon_outer, Json{{"kind", 1}, {"port", 1}, {"proto", 2}},
              "value: union (anon) takes exactly one member, got port, proto");
  ExpectError(ids_.anon_outer, Json{{"kind", 1}},
              "value: missing field: union (anon) needs exactly one of port, "
              "proto");
}

TEST_F(CodecTest, Bitfields) {
  TypeCodec codec = Codec(ids_.bits);
  const Json value = {{"lo", 5},
                      {"mid", -16},
                      {"rest", 0xabcdef},
                      {"c", "BLUE"},
                      {"flag", true}};
  auto bytes = DecodeBoth(codec, value);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  uint64_t word;
  std::memcpy(&word, bytes->data(), 8);
  EXPECT_EQ(word & 0x7, 5u);
  EXPECT_EQ((word >> 3) & 0x1f, 0x10u);  // -16 in 5 bits
  EXPECT_EQ((word >> 8) & 0xffffff, 0xabcdefu);
  EXPECT_EQ((word >> 32) & 0xff, 7u);
  EXPECT_EQ((word >> 40) & 1, 1u);
  EXPECT_EQ(*codec.Encode(*bytes), value);
  ExpectError(ids_.bits, With(value, "lo", 8),
              "value.lo: integer 8 overflows unsigned int:3 (max 7)");
  ExpectError(ids_.bits, With(value, "mid", -17),
              "value.mid: integer -17 underflows int:5 (min -16)");
}

TEST_F(CodecTest, Floats) {
  TypeCodec codec = Codec(ids_.floats);
  auto bytes = DecodeBoth(codec, Json{{"f", 1.5}, {"d", -2.25}});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*codec.Encode(*bytes), (Json{{"f", 1.5}, {"d", -2.25}}));
  ExpectError(ids_.floats, Json{{"f", 1e300}, {"d", 0}},
              "value.f: 1e+300 overflows float");
}

TEST_F(CodecTest, PerCpuValues) {
  TypeCodec codec = Codec(ids_.inner);  // 4 bytes: stride 8
  EXPECT_EQ(PerCpuStride(4), 8u);
  EXPECT_EQ(PerCpuBytes(12, 3), 48u);
  const Json list = {
      {{"a", 1}, {"b", -1}}, {{"a", 2}, {"b", -2}}, {{"a", 3}, {"b", -3}}};
  auto bytes = DecodePerCpuBoth(codec, 3, list, {});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  ASSERT_EQ(bytes->size(), 24u);
  EXPECT_EQ((*bytes)[16], 3);
  EXPECT_EQ((*bytes)[20], 0);  // padding of the slot stays zero
  EXPECT_EQ(*EncodePerCpu(codec, 3, *bytes), list);

  auto all =
      DecodePerCpuBoth(codec, 3, Json{{"all_cpus", {{"a", 9}, {"b", 0}}}}, {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*EncodePerCpu(codec, 3, *all), Json::array({{{"a", 9}, {"b", 0}},
                                                        {{"a", 9}, {"b", 0}},
                                                        {{"a", 9}, {"b", 0}}}));

  auto short_list = DecodePerCpuBoth(codec, 4, list, {});
  ASSERT_FALSE(short_list.ok());
  EXPECT_EQ(short_list.status().message(),
            "value: a per-CPU value is an array of exactly 4 values (one per "
            "possible CPU) or {\"all_cpus\": value}; got an array of 3");
  Json bad = list;
  bad[2]["a"] = -1;
  auto element = DecodePerCpuBoth(codec, 3, bad, {});
  ASSERT_FALSE(element.ok());
  EXPECT_EQ(element.status().message(),
            "value[2].a: integer -1 underflows unsigned short (min 0)");
}

TEST_F(CodecTest, LayoutDescribesFields) {
  TypeLayout layout = Codec(ids_.rule).Layout();
  EXPECT_EQ(layout.name, "value");
  EXPECT_EQ(layout.type_name, "struct rule");
  EXPECT_EQ(layout.kind, FieldKind::kStruct);
  EXPECT_EQ(layout.size, 96u);
  ASSERT_EQ(layout.fields.size(), 13u);
  EXPECT_EQ(layout.fields[0].kind, FieldKind::kCharArray);
  EXPECT_EQ(layout.fields[2].name, "v6");
  EXPECT_EQ(layout.fields[2].kind, FieldKind::kIpAddr);
  EXPECT_EQ(layout.fields[2].offset, 20u);
  EXPECT_EQ(layout.fields[2].size, 16u);
  EXPECT_EQ(layout.fields[3].kind, FieldKind::kEnum);
  ASSERT_EQ(layout.fields[3].enumerators.size(), 3u);
  EXPECT_EQ(layout.fields[3].enumerators[2].first, "BLUE");
  EXPECT_EQ(layout.fields[4].kind, FieldKind::kBool);
  EXPECT_EQ(layout.fields[11].type_name, "const __u32");
  EXPECT_EQ(layout.fields[11].offset, 88u);

  Json json = LayoutToJson(layout);
  EXPECT_EQ(json["fields"][7]["kind"], "array");
  EXPECT_EQ(json["fields"][7]["length"], 3);
  EXPECT_EQ(json["fields"][7]["element"]["type"], "__u32");
  EXPECT_EQ(json["fields"][3]["enumerators"]["BLUE"], 7);

  TypeLayout bits = Codec(ids_.bits).Layout();
  EXPECT_EQ(bits.fields[2].bit_offset, 8u);
  EXPECT_EQ(bits.fields[2].bit_size, 24u);
}

}  // namespace
}  // namespace bpfwarden
