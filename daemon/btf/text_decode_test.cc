// The text decoder (TypeCodec::DecodeText, DecodePerCpuText) against
// ParseJson then Decode on inputs the other tests do not make: malformed and
// hostile text, repeated keys, several errors in one value (which one is
// reported), per-CPU forms, and a DATASEC. Each must give the same bytes,
// or the same status and message, by both paths (DecodeTextBoth).
#include <bpf/btf.h>

#include <string>
#include <vector>

#include "daemon/btf/codec.h"
#include "daemon/btf/codec_testing.h"
#include "daemon/btf/decode_both.h"
#include "daemon/btf/json.h"
#include "gtest/gtest.h"

namespace bpfwarden::btf_testing {
namespace {

// Odd values for any field.
const char* const kOdd[] = {
    "null",   "true",   "false",   "\"x\"",          "1.5",  "-0",
    "-0.0",   "1e30",   "-1",      "300",            "[]",   "{}",
    "[1]",    "{\"a\":1}", "\"0x10\"", "\" -5 \"",    "\"BLUE\"",
    "18446744073709551616", "-9223372036854775809", "\"\\u0000\"",
    "\"10.0.0.1\"", "\"::1\"", "\"abcdefghijklmnopq\"", "[1,2,3]",
    "[{\"a\":1,\"b\":2},{\"a\":2}]", "1e400"};

// Malformed or hostile text, for any type.
std::vector<std::string> Hostile() {
  std::vector<std::string> out = {
      "", " ", "{", "}", "[", "]", "{\"a\":1} x", "{\"a\":1}{}", "\"abc",
      "[1,2", "nul", "tru", "NaN", "Infinity", "-", "01", "1.", ".5", "+1",
      "{\"a\" 1}", "{\"a\":1,}", "[1,]", "{'a':1}", "/* c */ {}", "{} // c",
      "\xef\xbb\xbf{}", "\"\xff\"", "\"\xc3\"", "\"\xed\xa0\x80\"",
      "\"a\tb\"", "\"\\ud800\"", "\"\\x41\"", "1e400", "-1e400",
      std::string("{}\0", 3), std::string("\0{}", 3),
      std::string("{\"a\":\"x\0y\"}", 11), "{\"a\":1}\n", "\n\t {} \r\n"};
  out.push_back(std::string(5000, '[') + std::string(5000, ']'));
  std::string deep;
  for (int i = 0; i < 3000; ++i) deep += "{\"a\":";
  deep += "1";
  deep += std::string(3000, '}');
  out.push_back(deep);
  out.push_back(std::string(3000, '[') + "1");
  // Past the size whose parser each thread keeps (64 KiB).
  const std::string space(70000, ' ');
  out.push_back("{\"a\":1," + space + "\"b\":2}");
  out.push_back("{\"a\":1," + space + "\"b\":2");
  out.push_back(space + "7" + space);
  return out;
}

class TextDecodeTest : public CodecTest {
 protected:
  std::vector<int> AllIds() {
    return {ids_.u8,    ids_.s8,     ids_.u16,        ids_.s64,
            ids_.u64,   ids_.boolean, ids_.color,     ids_.inner,
            ids_.rule,  ids_.num_union, ids_.bits,    ids_.anon_outer,
            ids_.floats, ids_.const_u32, ids_.big_enum, ids_.u32_typedef};
  }
  void Both(int id, const std::string& text) {
    SCOPED_TRACE(text.substr(0, 200));
    TypeCodec codec = Codec(id);
    DecodeTextBoth(codec, text);
    DecodeTextBoth(codec, text, {.zero_fill = true});
  }
};

TEST_F(TextDecodeTest, HostileTextLikeParseJson) {
  for (int id : AllIds()) {
    for (const std::string& text : Hostile()) Both(id, text);
    for (const char* odd : kOdd) Both(id, odd);
  }
}

// Each field of a rule replaced by each odd value, alone and in pairs (two
// errors: the one the DOM walk reaches first wins), and each one dropped.
TEST_F(TextDecodeTest, EveryFieldOddAloneAndInPairs) {
  const Json rule = Rule();
  std::vector<std::string> fields;
  for (const auto& [name, unused] : rule.items()) fields.push_back(name);
  for (size_t i = 0; i < fields.size(); ++i) {
    Json dropped = rule;
    dropped.erase(fields[i]);
    Both(ids_.rule, DumpJson(dropped));
    for (const char* odd : kOdd) {
      Json one = rule;
      one[fields[i]] = Json::parse(odd, nullptr, false);
      if (one[fields[i]].is_discarded()) continue;  // 1e400
      Both(ids_.rule, DumpJson(one));
      for (size_t j = 0; j < fields.size(); j += 3) {
        Json two = one;
        two[fields[j]] = Json::parse(kOdd[(i + j) % 20]);
        Both(ids_.rule, DumpJson(two));
      }
    }
  }
}

TEST_F(TextDecodeTest, RepeatedKeysTakeTheLast) {
  const char* const texts[] = {
      R"({"a":1,"b":2,"a":3})",
      R"({"a":"bad","b":2,"a":3})",
      R"({"a":3,"b":2,"a":"bad"})",
      R"({"a":1,"a":2})",
      R"({"lo":1,"mid":-3,"rest":9,"c":"BLUE","flag":true,"lo":6})",
      R"({"lo":7,"mid":-3,"rest":9,"c":"BLUE","flag":true,"lo":0,"c":1})",
      R"({"x":1,"x":2})",
      R"({"x":1,"y":2})",
      R"({"kind":1,"port":2,"port":3})",
      R"({"kind":1,"port":2,"proto":3})",
      R"({"kind":1})",
      R"({"port":1})",
      R"({"zz":1,"a":"bad"})",
      R"({"a":"bad","zz":1})",
      R"({"f":1,"d":2,"f":3.5})",
      R"({"f":1e39,"d":2})",
  };
  for (int id : {ids_.inner, ids_.bits, ids_.num_union, ids_.anon_outer,
                 ids_.floats}) {
    for (const char* text : texts) Both(id, text);
  }
  Json rule = Rule();
  std::string text = DumpJson(rule);
  text.insert(1, R"("in":{"a":9,"b":9},"cc":"reno",)");
  Both(ids_.rule, text);
  text.insert(1, R"("in":{"a":9},)");
  Both(ids_.rule, text);
}

TEST_F(TextDecodeTest, PerCpuFormsLikeDecodePerCpu) {
  TypeCodec codec = Codec(ids_.inner);
  const char* const texts[] = {
      R"([{"a":1,"b":2},{"a":3,"b":4},{"a":5,"b":6}])",
      R"([{"a":1,"b":2},{"a":3,"b":4}])",
      R"([{"a":1,"b":2},{"a":3,"b":4},{"a":5,"b":6},{"a":7,"b":8}])",
      R"([{"a":1,"b":2},{"a":-3,"b":4},{"a":5}])",
      R"([{"a":1,"b":2},{"a":3,"b":4},{"a":5}, 1])",
      R"({"all_cpus":{"a":9,"b":-9}})",
      R"({"all_cpus":{"a":9,"b":-9},"all_cpus":{"a":1}})",
      R"({"all_cpus":{"a":9,"b":-9},"x":1})",
      R"({"x":1,"all_cpus":{"a":"bad"}})",
      R"({"all_cpus":{"a":"bad","b":1}})",
      R"({"all_cpus":{"a":1,"b":1},"all_cpus":{"a":"bad"}})",
      R"({})",
      R"([])",
      R"(5)",
      R"("x")",
      R"(null)",
      R"([[1],[2],[3]])",
      R"({"all_cpus":)",
      R"([{"a":1,"b":2},{"a":3,"b":4},{"a":5,"b":6}] x)",
  };
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    DecodePerCpuTextBoth(codec, 3, text);
    DecodePerCpuTextBoth(codec, 3, text, {.zero_fill = true});
  }
  TypeCodec value = Codec(ids_.u64);
  DecodePerCpuTextBoth(value, 2, "[1, 18446744073709551615]");
  DecodePerCpuTextBoth(value, 2, "[1, 18446744073709551616]");
  DecodePerCpuTextBoth(value, 2, R"({"all_cpus":"0xff"})");
}

// A DATASEC as a .bss map's value: {"counter": 1, "cfg": {...}, "name": ""}.
TEST(TextDecodeSectionTest, SectionLikeDecode) {
  BtfPtr b(btf__new_empty());
  ASSERT_NE(b, nullptr);
  btf* raw = b.get();
  const int u32 = btf__add_int(raw, "unsigned int", 4, 0);
  const int s16 = btf__add_int(raw, "short", 2, BTF_INT_SIGNED);
  const int chr = btf__add_int(raw, "char", 1, BTF_INT_SIGNED);
  const int cfg_t = btf__add_struct(raw, "cfg", 4);
  btf__add_field(raw, "lo", s16, 0, 0);
  btf__add_field(raw, "hi", s16, 16, 0);
  const int name_t = btf__add_array(raw, u32, chr, 8);
  const int counter = btf__add_var(raw, "counter", BTF_VAR_GLOBAL_ALLOCATED, u32);
  const int cfg = btf__add_var(raw, "cfg", BTF_VAR_GLOBAL_ALLOCATED, cfg_t);
  const int name = btf__add_var(raw, "name", BTF_VAR_GLOBAL_ALLOCATED, name_t);
  const int sec = btf__add_datasec(raw, ".bss", 16);
  btf__add_datasec_var_info(raw, counter, 0, 4);
  btf__add_datasec_var_info(raw, cfg, 4, 4);
  btf__add_datasec_var_info(raw, name, 8, 8);
  auto types = BtfTypes::Create(std::move(b));
  ASSERT_TRUE(types.ok()) << types.status();
  auto codec = TypeCodec::Create(*types, sec, "value");
  ASSERT_TRUE(codec.ok()) << codec.status();
  ASSERT_TRUE(codec->is_section());
  const char* const texts[] = {
      R"({"counter":1,"cfg":{"lo":-1,"hi":2},"name":"abc"})",
      R"({"name":"abc","cfg":{"hi":2,"lo":-1},"counter":1})",
      R"({"counter":1,"cfg":{"lo":-1,"hi":2}})",
      R"({"counter":1,"cfg":{"lo":-1},"name":"abc"})",
      R"({"counter":1,"cfg":{"lo":-1,"hi":2},"name":"abc","zz":0})",
      R"({"zz":0,"counter":"bad"})",
      R"({"counter":"bad","cfg":{"lo":"bad"},"name":"abc"})",
      R"({"counter":1,"cfg":{"lo":99999,"hi":2},"name":"abcdefghi"})",
      R"({"counter":1,"counter":2,"cfg":{"lo":1,"hi":2},"name":"x"})",
      R"({"counter":1,"cfg":{"lo":1,"hi":2},"cfg":{"lo":3},"name":"x"})",
      R"({"counter":1,"cfg":[1,2],"name":"x"})",
      R"([1,2])",
      R"(7)",
      R"({})",
      R"({"counter":1)",
  };
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    DecodeTextBoth(*codec, text);
    DecodeTextBoth(*codec, text, {.zero_fill = true});
  }
  // The check has teeth: a good text decodes to the right bytes.
  auto bytes = codec->DecodeText(texts[0]);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ((*bytes)[0], 1);
  EXPECT_EQ((*bytes)[8], 'a');
}

TEST_F(TextDecodeTest, MessagesAreTheDomWalks) {
  auto bad = Codec(ids_.rule, "key").DecodeText(R"({"cc": 1,)");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(bad.status().message()), "key: malformed JSON at byte 10 near '1,'");
  Json rule = Rule();
  rule["inners"][1]["b"] = 40000;
  auto range = Codec(ids_.rule).DecodeText(DumpJson(rule));
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(std::string(range.status().message()),
            "value.inners[1].b: integer 40000 overflows short (max 32767)");
}

}  // namespace
}  // namespace bpfwarden::btf_testing
