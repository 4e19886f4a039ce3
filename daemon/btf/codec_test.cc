// The codec against BTF built in memory: round trips and every error.
#include "daemon/btf/codec.h"

#include <bpf/btf.h>

#include <cstring>

#include "absl/status/status.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/per_cpu.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

using ::testing::HasSubstr;

Json With(Json base, const std::string& field, const Json& value) {
  base[field] = value;
  return base;
}

// Type ids of the test BTF.
struct Ids {
  int u8, s8, u16, s16, u32, s32, u64, s64, boolean, chr, u8_typedef,
      u32_typedef, color, inner, rule, num_union, bits, with_ptr, anon_outer,
      const_u32, bad_tag, big_enum, wide_int, flt, dbl, floats;
};

class CodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BtfPtr b(btf__new_empty());
    ASSERT_NE(b, nullptr);
    btf* raw = b.get();
    ids_.u8 = btf__add_int(raw, "unsigned char", 1, 0);
    ids_.s8 = btf__add_int(raw, "signed char", 1, BTF_INT_SIGNED);
    ids_.u16 = btf__add_int(raw, "unsigned short", 2, 0);
    ids_.s16 = btf__add_int(raw, "short", 2, BTF_INT_SIGNED);
    ids_.u32 = btf__add_int(raw, "unsigned int", 4, 0);
    ids_.s32 = btf__add_int(raw, "int", 4, BTF_INT_SIGNED);
    ids_.u64 = btf__add_int(raw, "unsigned long long", 8, 0);
    ids_.s64 = btf__add_int(raw, "long long", 8, BTF_INT_SIGNED);
    ids_.boolean = btf__add_int(raw, "_Bool", 1, BTF_INT_BOOL);
    ids_.chr = btf__add_int(raw, "char", 1, BTF_INT_SIGNED);
    ids_.u8_typedef = btf__add_typedef(raw, "__u8", ids_.u8);
    ids_.u32_typedef = btf__add_typedef(raw, "__u32", ids_.u32);
    ids_.const_u32 = btf__add_const(raw, ids_.u32_typedef);
    const int index = ids_.u32;

    ids_.color = btf__add_enum(raw, "color", 4);
    btf__add_enum_value(raw, "RED", 0);
    btf__add_enum_value(raw, "GREEN", 1);
    btf__add_enum_value(raw, "BLUE", 7);

    ids_.inner = btf__add_struct(raw, "inner", 4);
    btf__add_field(raw, "a", ids_.u16, 0, 0);
    btf__add_field(raw, "b", ids_.s16, 16, 0);

    const int cc = btf__add_array(raw, index, ids_.chr, 16);
    const int v4 = btf__add_array(raw, index, ids_.u8_typedef, 4);
    const int v6 = btf__add_array(raw, index, ids_.u8_typedef, 16);
    const int three = btf__add_array(raw, index, ids_.u32_typedef, 3);
    const int inners = btf__add_array(raw, index, ids_.inner, 2);
    // struct rule: 16 + 4 + 16 + 4 + 1 + pad 3 + 4 + 12 + 8 + 8 + 8 + 1 ...
    ids_.rule = btf__add_struct(raw, "rule", 96);
    btf__add_field(raw, "cc", cc, 0, 0);                      // 0
    btf__add_field(raw, "v4", v4, 16 * 8, 0);                 // 16
    btf__add_field(raw, "v6", v6, 20 * 8, 0);                 // 20
    btf__add_field(raw, "color", ids_.color, 36 * 8, 0);      // 36
    btf__add_field(raw, "on", ids_.boolean, 40 * 8, 0);       // 40
    btf__add_field(raw, "s8", ids_.s8, 41 * 8, 0);            // 41
    btf__add_field(raw, "in", ids_.inner, 44 * 8, 0);         // 44
    btf__add_field(raw, "arr", three, 48 * 8, 0);             // 48
    btf__add_field(raw, "u64", ids_.u64, 64 * 8, 0);          // 64
    btf__add_field(raw, "s64", ids_.s64, 72 * 8, 0);          // 72
    btf__add_field(raw, "inners", inners, 80 * 8, 0);         // 80
    btf__add_field(raw, "limit", ids_.const_u32, 88 * 8, 0);  // 88
    btf__add_field(raw, "s32", ids_.s32, 92 * 8, 0);          // 92
    btf__add_decl_tag(raw, kIpAddrTag, ids_.rule, 1);
    btf__add_decl_tag(raw, kIpAddrTag, ids_.rule, 2);
    btf__add_decl_tag(raw, "something.else", ids_.rule, 3);

    ids_.num_union = btf__add_union(raw, "num", 8);
    btf__add_field(raw, "x", ids_.u32, 0, 0);
    btf__add_field(raw, "y", ids_.u64, 0, 0);

    // struct bits { u32 lo:3; int mid:5; u32 rest:24; enum color c:8;
    //               _Bool flag:1; } in 8 bytes.
    ids_.bits = btf__add_struct(raw, "bits", 8);
    btf__add_field(raw, "lo", ids_.u32, 0, 3);
    btf__add_field(raw, "mid", ids_.s32, 3, 5);
    btf__add_field(raw, "rest", ids_.u32, 8, 24);
    btf__add_field(raw, "c", ids_.color, 32, 8);
    btf__add_field(raw, "flag", ids_.boolean, 40, 1);

    const int ptr = btf__add_ptr(raw, ids_.u32);
    ids_.with_ptr = btf__add_struct(raw, "with_ptr", 16);
    btf__add_field(raw, "n", ids_.u64, 0, 0);
    btf__add_field(raw, "p", ptr, 64, 0);

    // struct anon_outer { u32 kind; union { u32 port; u32 proto; }; }
    const int anon_union = btf__add_union(raw, nullptr, 4);
    btf__add_field(raw, "port", ids_.u32, 0, 0);
    btf__add_field(raw, "proto", ids_.u32, 0, 0);
    ids_.anon_outer = btf__add_struct(raw, "anon_outer", 8);
    btf__add_field(raw, "kind", ids_.u32, 0, 0);
    btf__add_field(raw, nullptr, anon_union, 32, 0);

    ids_.bad_tag = btf__add_struct(raw, "bad_tag", 4);
    btf__add_field(raw, "addr", ids_.u32, 0, 0);
    btf__add_decl_tag(raw, kIpAddrTag, ids_.bad_tag, 0);

    ids_.big_enum = btf__add_enum64(raw, "big", 8, false);
    btf__add_enum64_value(raw, "HUGE", 0xfffffffffffffff0ull);

    ids_.wide_int = btf__add_int(raw, "__int128", 16, BTF_INT_SIGNED);
    ids_.flt = btf__add_float(raw, "float", 4);
    ids_.dbl = btf__add_float(raw, "double", 8);
    ids_.floats = btf__add_struct(raw, "floats", 16);
    btf__add_field(raw, "f", ids_.flt, 0, 0);
    btf__add_field(raw, "d", ids_.dbl, 64, 0);

    auto types = BtfTypes::Create(std::move(b));
    ASSERT_TRUE(types.ok()) << types.status();
    types_ = *types;
  }

  TypeCodec Codec(int id, const std::string& root = "value") {
    auto codec = TypeCodec::Create(types_, id, root);
    EXPECT_TRUE(codec.ok()) << codec.status();
    return *std::move(codec);
  }

  // Decode must fail with InvalidArgument and exactly this message.
  void ExpectError(int id, const Json& value, const std::string& message,
                   DecodeOptions options = {}) {
    auto bytes = Codec(id).Decode(value, options);
    ASSERT_FALSE(bytes.ok()) << DumpJson(value);
    EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(bytes.status().message(), message);
  }

  Json Rule() {
    return Json::parse(R"({
      "cc": "cubic", "v4": "10.1.2.3", "v6": "2001:db8::1", "color": "BLUE",
      "on": true, "s8": -128, "in": {"a": 65535, "b": -32768},
      "arr": [1, 2, 4294967295], "u64": 18446744073709551615,
      "s64": -9223372036854775808,
      "inners": [{"a": 1, "b": -1}, {"a": 2, "b": -2}], "limit": 77,
      "s32": -2147483648})");
  }

  Ids ids_;
  std::shared_ptr<const BtfTypes> types_;
};

TEST_F(CodecTest, RuleRoundTripsExactly) {
  TypeCodec codec = Codec(ids_.rule);
  EXPECT_EQ(codec.size(), 96u);
  auto bytes = codec.Decode(Rule());
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
  auto bytes = Codec(ids_.rule).Decode(rule);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto json = Codec(ids_.rule).Encode(*bytes);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, Rule());
}

TEST_F(CodecTest, IpAddressForms) {
  TypeCodec codec = Codec(ids_.rule);
  Json rule = Rule();
  rule["v6"] = "::ffff:192.0.2.7";  // IPv4-mapped, shown dotted
  auto bytes = codec.Decode(rule);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ((*bytes)[30], 0xff);
  EXPECT_EQ((*bytes)[31], 0xff);
  EXPECT_EQ((*bytes)[35], 7);
  EXPECT_EQ((*codec.Encode(*bytes))["v6"], "192.0.2.7");
  // IPv4 text into a 16-byte field becomes IPv4-mapped.
  rule["v6"] = "192.0.2.7";
  auto same = codec.Decode(rule);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *bytes);
  // IPv4-mapped text into a 4-byte field is the IPv4 address.
  rule["v4"] = "::ffff:10.1.2.3";
  auto v4 = codec.Decode(rule);
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

TEST_F(CodecTest, IpTagOnWrongTypeIsRefused) {
  auto codec = TypeCodec::Create(types_, ids_.bad_tag, "key");
  ASSERT_FALSE(codec.ok());
  EXPECT_EQ(codec.status().message(),
            "key.addr: bpfwarden.ip_addr tag on unsigned int, which is not "
            "__u8[4] or __u8[16]");
}

TEST_F(CodecTest, CharArrays) {
  TypeCodec codec = Codec(ids_.rule);
  Json rule = Rule();
  rule["cc"] = "0123456789abcdef";  // exactly 16: fits, no NUL left
  auto bytes = codec.Decode(rule);
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
  auto again = codec.Decode(*json);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *bytes);
}

TEST_F(CodecTest, EnumsByNameOrNumber) {
  TypeCodec codec = Codec(ids_.rule);
  Json rule = Rule();
  rule["color"] = 1;
  auto bytes = codec.Decode(rule);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*codec.Encode(*bytes))["color"], "GREEN");
  rule["color"] = 5;  // no enumerator: shown as the number
  bytes = codec.Decode(rule);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*codec.Encode(*bytes))["color"], 5);
  ExpectError(ids_.rule, With(Rule(), "color", "PURPLE"),
              "value.color: unknown enumerator \"PURPLE\" for enum color "
              "(known: RED, GREEN, BLUE)");
  ExpectError(ids_.rule, With(Rule(), "color", -1),
              "value.color: integer -1 underflows enum color (min 0)");

  TypeCodec big = Codec(ids_.big_enum);
  auto huge = big.Decode("HUGE");
  ASSERT_TRUE(huge.ok()) << huge.status();
  EXPECT_EQ(*big.Encode(*huge), "HUGE");
  auto number = big.Decode(Json(uint64_t{0xfffffffffffffff0ull}));
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(*number, *huge);
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
      auto bytes = codec.Decode(ok);
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      EXPECT_EQ(*codec.Encode(*bytes), ok);
    }
    auto low = codec.Decode(c.too_low);
    ASSERT_FALSE(low.ok());
    EXPECT_THAT(low.status().message(),
                HasSubstr("underflows " + c.name + " (min "));
    auto high = codec.Decode(c.too_high);
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
  auto bytes = Codec(ids_.rule).Decode(Json{{"limit", 9}},
                                       DecodeOptions{.zero_fill = true});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  std::vector<uint8_t> expected(96, 0);
  expected[88] = 9;
  EXPECT_EQ(*bytes, expected);
}

TEST_F(CodecTest, Unions) {
  TypeCodec codec = Codec(ids_.num_union);
  auto bytes = codec.Decode(Json{{"x", 7}});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, std::vector<uint8_t>({7, 0, 0, 0, 0, 0, 0, 0}));
  // Encode shows every member's reading.
  EXPECT_EQ(*codec.Encode(*bytes), (Json{{"x", 7}, {"y", 7}}));
  ExpectError(ids_.num_union, Json{{"x", 1}, {"y", 2}},
              "value: union num takes exactly one member, got x, y");
  ExpectError(ids_.num_union, Json::object(),
              "value: missing field: union num needs exactly one of x, y");
  EXPECT_TRUE(codec.Decode(Json::object(), {.zero_fill = true}).ok());
}

TEST_F(CodecTest, AnonymousMembersAreFlattened) {
  TypeCodec codec = Codec(ids_.anon_outer);
  auto bytes = codec.Decode(Json{{"kind", 1}, {"port", 443}});
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
  auto bytes = codec.Decode(value);
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
  auto bytes = codec.Decode(Json{{"f", 1.5}, {"d", -2.25}});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*codec.Encode(*bytes), (Json{{"f", 1.5}, {"d", -2.25}}));
  ExpectError(ids_.floats, Json{{"f", 1e300}, {"d", 0}},
              "value.f: 1e+300 overflows float");
}

TEST_F(CodecTest, RefusesWhatCannotBeCoded) {
  auto ptr = TypeCodec::Create(types_, ids_.with_ptr, "value");
  ASSERT_FALSE(ptr.ok());
  EXPECT_EQ(ptr.status().code(), absl::StatusCode::kInvalidArgument);
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

TEST_F(CodecTest, PerCpuValues) {
  TypeCodec codec = Codec(ids_.inner);  // 4 bytes: stride 8
  EXPECT_EQ(PerCpuStride(4), 8u);
  EXPECT_EQ(PerCpuBytes(12, 3), 48u);
  const Json list = {
      {{"a", 1}, {"b", -1}}, {{"a", 2}, {"b", -2}}, {{"a", 3}, {"b", -3}}};
  auto bytes = DecodePerCpu(codec, 3, list, {});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  ASSERT_EQ(bytes->size(), 24u);
  EXPECT_EQ((*bytes)[16], 3);
  EXPECT_EQ((*bytes)[20], 0);  // padding of the slot stays zero
  EXPECT_EQ(*EncodePerCpu(codec, 3, *bytes), list);

  auto all =
      DecodePerCpu(codec, 3, Json{{"all_cpus", {{"a", 9}, {"b", 0}}}}, {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*EncodePerCpu(codec, 3, *all), Json::array({{{"a", 9}, {"b", 0}},
                                                        {{"a", 9}, {"b", 0}},
                                                        {{"a", 9}, {"b", 0}}}));

  auto short_list = DecodePerCpu(codec, 4, list, {});
  ASSERT_FALSE(short_list.ok());
  EXPECT_EQ(short_list.status().message(),
            "value: a per-CPU value is an array of exactly 4 values (one per "
            "possible CPU) or {\"all_cpus\": value}; got an array of 3");
  Json bad = list;
  bad[2]["a"] = -1;
  auto element = DecodePerCpu(codec, 3, bad, {});
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

TEST(JsonTest, ParseErrorsAreInvalidArgument) {
  auto ok = ParseJson(R"({"a": 18446744073709551615})", "key");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["a"].get<uint64_t>(), UINT64_MAX);
  auto bad = ParseJson(R"({"a": )", "key");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("key: malformed JSON at byte"));
}

}  // namespace
}  // namespace bpfwarden
