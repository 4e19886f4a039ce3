// The codec against BTF built in memory: round trips and the JSON forms.
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

TEST_F(CodecTest, RuleRoundTripsExactly) {
  TypeCodec codec = Codec(ids_.rule);
  EXPECT_EQ(codec.size(), 96u);
  auto bytes = DecodeBoth(codec, Rule());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  // Spot-check the bytes themselves.
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes->data())), "cubic");
  EXPECT_EQ((*bytes)[16], 10);
  EXPECT_EQ((*bytes)[19], 3);
  EXPECT_EQ((*bytes)[20], 0x20);
  EXPECT_EQ((*bytes)[21], 0x01);
  EXPECT_EQ((*bytes)[35], 0x01);
  uint32_t color;
  std::memcpy(&color, bytes->data() + 36, 4);
  EXPECT_EQ(color, 7u);
  EXPECT_EQ((*bytes)[40], 1);
  EXPECT_EQ(static_cast<int8_t>((*bytes)[41]), -128);
  uint64_t u64;
  std::memcpy(&u64, bytes->data() + 64, 8);
  EXPECT_EQ(u64, UINT64_MAX);
  int64_t s64;
  std::memcpy(&s64, bytes->data() + 72, 8);
  EXPECT_EQ(s64, INT64_MIN);

  auto json = codec.Encode(*bytes);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, Rule());
  // Exact 64-bit integers, and fields in declaration order.
  EXPECT_TRUE((*json)["u64"].is_number_unsigned());
  EXPECT_EQ((*json)["u64"].get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(json->begin().key(), "cc");
  EXPECT_EQ(DumpJson(*json).substr(0, 30), R"({"cc":"cubic","v4":"10.1.2.3",)");
}

TEST_F(CodecTest, IntegersAcceptNumericStrings) {
  Json rule = Rule();
  rule["u64"] = "0xffffffffffffffff";
  rule["s64"] = "-9223372036854775808";
  auto bytes = DecodeBoth(Codec(ids_.rule), rule);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto json = Codec(ids_.rule).Encode(*bytes);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, Rule());
}

TEST_F(CodecTest, IpAddressForms) {
  TypeCodec codec = Codec(ids_.rule);
  Json rule = Rule();
  rule["v6"] = "::ffff:192.0.2.7";  // IPv4-mapped, shown dotted
  auto bytes = DecodeBoth(codec, rule);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ((*bytes)[30], 0xff);
  EXPECT_EQ((*bytes)[31], 0xff);
  EXPECT_EQ((*bytes)[35], 7);
  EXPECT_EQ((*codec.Encode(*bytes))["v6"], "192.0.2.7");
  // IPv4 text into a 16-byte field becomes IPv4-mapped.
  rule["v6"] = "192.0.2.7";
  auto same = DecodeBoth(codec, rule);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *bytes);
  // IPv4-mapped text into a 4-byte field is the IPv4 address.
  rule["v4"] = "::ffff:10.1.2.3";
  auto v4 = DecodeBoth(codec, rule);
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ((*codec.Encode(*v4))["v4"], "10.1.2.3");

  ExpectError(ids_.rule, With(Rule(), "v4", "2001:db8::1"),
              "value.v4: IPv6 address \"2001:db8::1\" does not fit an IPv4 "
              "(4-byte) field");
  ExpectError(ids_.rule, With(Rule(), "v6", "10.1.2"),
              "value.v6: \"10.1.2\" is not an IPv4 or IPv6 address");
  ExpectError(ids_.rule, With(Rule(), "v6", 5),
              "value.v6: expected an IP address string for __u8[16], got "
              "integer");
}

TEST_F(CodecTest, CharArrays) {
  TypeCodec codec = Codec(ids_.rule);
  Json rule = Rule();
  rule["cc"] = "0123456789abcdef";  // exactly 16: fits, no NUL left
  auto bytes = DecodeBoth(codec, rule);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ((*codec.Encode(*bytes))["cc"], "0123456789abcdef");
  ExpectError(ids_.rule, With(Rule(), "cc", "0123456789abcdefg"),
              "value.cc: string of 17 bytes does not fit char[16]");
  ExpectError(ids_.rule, With(Rule(), "cc", std::string("a\0b", 3)),
              "value.cc: string for char[16] contains a NUL byte");
  // Bytes that are not text come back as the byte values, which decode.
  (*bytes)[0] = 0xff;
  (*bytes)[1] = 0;
  (*bytes)[5] = 'x';
  auto json = codec.Encode(*bytes);
  ASSERT_TRUE(json.ok());
  ASSERT_TRUE((*json)["cc"].is_array());
  EXPECT_EQ((*json)["cc"][0], -1);
  EXPECT_EQ((*json)["cc"][5], 'x');
  auto again = DecodeBoth(codec, *json);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *bytes);
}

TEST_F(CodecTest, EnumsByNameOrNumber) {
  TypeCodec codec = Codec(ids_.rule);
  Json rule = Rule();
  rule["color"] = 1;
  auto bytes = DecodeBoth(codec, rule);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*codec.Encode(*bytes))["color"], "GREEN");
  rule["color"] = 5;  // no enumerator: shown as the number
  bytes = DecodeBoth(codec, rule);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*codec.Encode(*bytes))["color"], 5);
  ExpectError(ids_.rule, With(Rule(), "color", "PURPLE"),
              "value.color: unknown enumerator \"PURPLE\" for enum color "
              "(known: RED, GREEN, BLUE)");
  ExpectError(ids_.rule, With(Rule(), "color", -1),
              "value.color: integer -1 underflows enum color (min 0)");

  TypeCodec big = Codec(ids_.big_enum);
  auto huge = DecodeBoth(big, "HUGE");
  ASSERT_TRUE(huge.ok()) << huge.status();
  EXPECT_EQ(*big.Encode(*huge), "HUGE");
  auto number = DecodeBoth(big, Json(uint64_t{0xfffffffffffffff0ull}));
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(*number, *huge);
}

}  // namespace
}  // namespace bpfwarden
