#include "daemon/metrics/utf8.h"

#include <string>

#include "daemon/metrics/text_format.h"
#include "gtest/gtest.h"

namespace bpfwarden::metrics {
namespace {

const std::string kFffd = kReplacementCharacter;

TEST(Utf8Test, ValidTextStaysAsItIs) {
  for (const std::string& text :
       {std::string(""), std::string("plain /system.slice/a.service"),
        std::string("\xC3\xA9"),          // U+00E9, 2 bytes
        std::string("\xE0\xA0\x80"),      // U+0800, the least of 3
        std::string("\xED\x9F\xBF"),      // U+D7FF, below the surrogates
        std::string("\xEF\xBF\xBD"),      // U+FFFD itself
        std::string("\xF0\x90\x80\x80"),  // U+10000, the least of 4
        std::string("\xF4\x8F\xBF\xBF"),  // U+10FFFF, the greatest
        std::string("nul \0 inside", 12)}) {
    EXPECT_EQ(ToValidUtf8(text), text);
  }
}

TEST(Utf8Test, EachMaximalSubpartBecomesOneReplacement) {
  struct Case {
    std::string in, want;
  };
  const Case cases[] = {
      {"\xFF", kFffd},  // never in UTF-8
      {"a\xFE"
       "b",
       "a" + kFffd + "b"},
      {"\x80", kFffd},         // a lone continuation
      {"\xC3(", kFffd + "("},  // lead without its tail
      {"\xC3", kFffd},         // cut at the end
      {"\xE2\x82", kFffd},     // one subpart of two bytes
      {"\xE2\x82(", kFffd + "("},
      {"\xF0\x9F\x98", kFffd},                  // three of four
      {"\xC0\xAF", kFffd + kFffd},              // overlong '/': C0 never
      {"\xE0\x80\xAF", kFffd + kFffd + kFffd},  // overlong in 3 bytes
      {"\xED\xA0\x80", kFffd + kFffd + kFffd},  // a surrogate, U+D800
      {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // > U+10FFFF
      {"\xF5\x80", kFffd + kFffd},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ToValidUtf8(c.in), c.want)
        << "input of " << c.in.size() << " bytes";
  }
}

TEST(Utf8Test, LabelValuesAndHelpAreMadeValid) {
  std::string out;
  AppendLabelValue("/x-\xFF\"\\\n-\xC3\xA9", out);
  EXPECT_EQ(out, "/x-" + kFffd + "\\\"\\\\\\n-\xC3\xA9");
  TextWriter writer;
  writer.Family("m", "help \xFE", "gauge");
  EXPECT_EQ(writer.text(), "# HELP m help " + kFffd + "\n# TYPE m gauge\n");
}

}  // namespace
}  // namespace bpfwarden::metrics
