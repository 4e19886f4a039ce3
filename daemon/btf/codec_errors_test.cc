// The codec against BTF built in memory: every error, exactly.
#include "daemon/btf/codec.h"
#include "daemon/btf/codec_testing.h"
#include "daemon/btf/per_cpu.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::btf_testing::DecodeBoth;
using ::bpfwarden::btf_testing::DecodePerCpuBoth;
using ::bpfwarden::btf_testing::DecodeTextBoth;

using ::bpfwarden::testing::StatusIs;

using ::bpfwarden::btf_testing::CodecTest;
using ::bpfwarden::btf_testing::Ids;
using ::bpfwarden::btf_testing::With;
using ::testing::HasSubstr;

TEST_F(CodecTest, IpTagOnWrongTypeIsRefused) {
  auto codec = TypeCodec::Create(types_, ids_.bad_tag, "key");
  ASSERT_FALSE(codec.ok());
  EXPECT_EQ(codec.status().message(),
            "key.addr: bpfwarden.ip_addr tag on unsigned int, which is not "
            "__u8[4] or __u8[16]");
}

TEST_F(CodecTest, IntegerRangesPerWidthAndSign) {
  struct Case {
    int Ids::*type;
    Json ok_low, ok_high, too_low, too_high;
    std::string name;
  };
  const std::vector<Case> cases = {
      {&Ids::u8, 0, 255, -1, 256, "unsigned char"},
      {&Ids::s8, -128, 127, -129, 128, "signed char"},
      {&Ids::u16, 0, 65535, -1, 65536, "unsigned short"},
      {&Ids::s16, -32768, 32767, -32769, 32768, "short"},
      {&Ids::u32, 0, 4294967295u, -1, 4294967296, "unsigned int"},
      {&Ids::s32, -2147483648ll, 2147483647, -2147483649ll, 2147483648ll,
       "int"},
      {&Ids::u64, 0, UINT64_MAX, -1, "18446744073709551616",
       "unsigned long long"},
      {&Ids::s64, INT64_MIN, INT64_MAX, "-9223372036854775809",
       uint64_t{1} << 63, "long long"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TypeCodec codec = Codec(ids_.*c.type);
    for (const Json& ok : {c.ok_low, c.ok_high}) {
      auto bytes = DecodeBoth(codec, ok);
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      EXPECT_EQ(*codec.Encode(*bytes), ok);
    }
    auto low = DecodeBoth(codec, c.too_low);
    ASSERT_FALSE(low.ok());
    EXPECT_THAT(low.status().message(),
                HasSubstr("underflows " + c.name + " (min "));
    auto high = DecodeBoth(codec, c.too_high);
    ASSERT_FALSE(high.ok());
    if (c.too_high.is_string()) {
      // Beyond 64 bits is not even an integer we read.
      EXPECT_THAT(high.status().message(), HasSubstr("is not an integer"));
    } else {
      EXPECT_THAT(high.status().message(),
                  HasSubstr("overflows " + c.name + " (max "));
    }
  }
  ExpectError(ids_.rule, With(Rule(), "in", {{"a", 65536}, {"b", 0}}),
              "value.in.a: integer 65536 overflows unsigned short (max 65535)");
  ExpectError(ids_.rule, With(Rule(), "limit", -5),
              "value.limit: integer -5 underflows const __u32 (min 0)");
}

TEST_F(CodecTest, WrongTypes) {
  ExpectError(ids_.rule, With(Rule(), "s8", 1.5),
              "value.s8: expected an integer, got number 1.5 for signed char");
  ExpectError(ids_.rule, With(Rule(), "s8", "x"),
              "value.s8: string \"x\" is not an integer (decimal, or hex "
              "with 0x) for signed char");
  ExpectError(ids_.rule, With(Rule(), "on", 1),
              "value.on: expected true or false for _Bool, got integer");
  ExpectError(ids_.rule, With(Rule(), "in", 3),
              "value.in: expected an object for struct inner, got integer");
  ExpectError(ids_.rule, With(Rule(), "arr", {1, 2}),
              "value.arr: expected 3 elements for __u32[3], got 2");
  ExpectError(ids_.rule, With(Rule(), "arr", "abc"),
              "value.arr: expected an array of 3 elements for __u32[3], got "
              "string");
  ExpectError(ids_.rule, With(Rule(), "cc", true),
              "value.cc: expected a string or an array of 16 elements for "
              "char[16], got boolean");
  Json bad_element = Rule();
  bad_element["inners"][1]["b"] = "oops";
  ExpectError(ids_.rule, bad_element,
              "value.inners[1].b: string \"oops\" is not an integer "
              "(decimal, or hex with 0x) for short");
  ExpectError(ids_.rule, Json::array(),
              "value: expected an object for struct rule, got array");
}

TEST_F(CodecTest, UnknownAndMissingFields) {
  Json unknown = Rule();
  unknown["colour"] = 1;
  ExpectError(ids_.rule, unknown,
              "value.colour: unknown field (struct rule has: cc, v4, v6, "
              "color, on, s8, in, arr, u64, s64, inners, limit, s32)");
  Json missing = Rule();
  missing.erase("u64");
  ExpectError(ids_.rule, missing, "value.u64: missing field");
  Json nested = Rule();
  nested["inners"][0].erase("a");
  ExpectError(ids_.rule, nested, "value.inners[0].a: missing field");

  // zero_fill: missing fields are zero bytes.
  auto bytes = DecodeBoth(Codec(ids_.rule), Json{{"limit", 9}},
                                       DecodeOptions{.zero_fill = true});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  std::vector<uint8_t> expected(96, 0);
  expected[88] = 9;
  EXPECT_EQ(*bytes, expected);
}

TEST_F(CodecTest, RefusesWhatCannotBeCoded) {
  auto ptr = TypeCodec::Create(types_, ids_.with_ptr, "value");
  ASSERT_FALSE(ptr.ok());
  EXPECT_THAT(ptr, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ptr.status().message(),
            "value.p: pointer unsigned int* cannot be coded: a kernel "
            "address means nothing here");
  auto wide = TypeCodec::Create(types_, ids_.wide_int, "key");
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().message(),
            "key: __int128 is 128 bits wide; at most 64 are supported");
  auto missing = TypeCodec::Create(types_, 9999, "key");
  EXPECT_FALSE(missing.ok());
}

TEST_F(CodecTest, EncodeChecksSize) {
  auto json = Codec(ids_.inner).Encode(std::vector<uint8_t>(3));
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().message(),
            "value: expected 4 bytes for struct inner, got 3");
}

TEST(JsonTest, ParseErrorsAreInvalidArgument) {
  auto ok = ParseJson(R"({"a": 18446744073709551615})", "key");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["a"].get<uint64_t>(), UINT64_MAX);
  auto bad = ParseJson(R"({"a": )", "key");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument,
                            "key: malformed JSON at byte"));
}

}  // namespace
}  // namespace bpfwarden
