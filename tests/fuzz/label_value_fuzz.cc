// Label values and HELP text of /metrics (daemon/metrics/text_format,
// utf8): whatever bytes a cgroup name or a map field holds, the text is
// valid UTF-8 and one line, every backslash and quote is escaped, and valid
// input reads back unchanged. The checks decode code points here, by
// arithmetic, not with the code under test.
#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/metrics/text_format.h"
#include "daemon/metrics/utf8.h"

namespace {

// Strict UTF-8 by decoding: no overlong form, no surrogate, <= U+10FFFF.
bool DecodesAsUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const uint8_t b = s[i];
    size_t n = 0;
    uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b >> 5) == 0x6) {
      n = 1, cp = b & 0x1F;
    } else if ((b >> 4) == 0xE) {
      n = 2, cp = b & 0x0F;
    } else if ((b >> 3) == 0x1E) {
      n = 3, cp = b & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // cut short
    for (size_t k = 1; k <= n; ++k) {
      const uint8_t c = s[i + k];
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kLeast[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kLeast[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// The label value the text format's reader gets back from `escaped`, or
// traps on a raw newline, a bare quote or an unknown escape.
std::string Unescape(const std::string& escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c == '\n' || c == '"') __builtin_trap();
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == escaped.size()) __builtin_trap();
    switch (escaped[i]) {
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case 'n':
        out += '\n';
        break;
      default:
        __builtin_trap();
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string escaped;
  bpfwarden::metrics::AppendLabelValue(text, escaped);
  if (!DecodesAsUtf8(escaped)) __builtin_trap();
  const std::string back = Unescape(escaped);
  const bool valid = DecodesAsUtf8(text);
  if (valid && back != text) __builtin_trap();
  if (!valid && back == text) __builtin_trap();
  if (bpfwarden::metrics::ToValidUtf8(back) != back) __builtin_trap();

  bpfwarden::metrics::TextWriter help;
  help.Family("m", text, "gauge");
  const std::string& h = help.text();
  if (!DecodesAsUtf8(h)) __builtin_trap();
  // "# HELP m <text>\n# TYPE m gauge\n": exactly two lines.
  size_t lines = 0;
  for (char c : h) lines += c == '\n';
  if (lines != 2) __builtin_trap();
  return 0;
}
