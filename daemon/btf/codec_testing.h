// The codec's test BTF, built in memory: every kind of type the codec
// handles or refuses, and a fixture holding it.
#ifndef BPFWARDEN_DAEMON_BTF_CODEC_TESTING_H_
#define BPFWARDEN_DAEMON_BTF_CODEC_TESTING_H_

#include <bpf/btf.h>

#include <cstring>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/decode_both.h"
#include "daemon/btf/json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bpfwarden::btf_testing {

inline Json With(Json base, const std::string& field, const Json& value) {
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
    auto bytes = DecodeBoth(Codec(id), value, options);
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

}  // namespace bpfwarden::btf_testing

#endif  // BPFWARDEN_DAEMON_BTF_CODEC_TESTING_H_
