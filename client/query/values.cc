#include "client/query/values.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace bpfwarden::cli {
namespace {

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareNumbers(const Json& a, const Json& b) {
  if (a.is_number_float() || b.is_number_float()) {
    return Cmp(a.get<double>(), b.get<double>());
  }
  const bool a_neg = a.is_number_integer() && !a.is_number_unsigned() &&
                     a.get<int64_t>() < 0;
  const bool b_neg = b.is_number_integer() && !b.is_number_unsigned() &&
                     b.get<int64_t>() < 0;
  if (a_neg || b_neg) {
    if (a_neg != b_neg) return a_neg ? -1 : 1;
    return Cmp(a.get<int64_t>(), b.get<int64_t>());
  }
  return Cmp(a.get<uint64_t>(), b.get<uint64_t>());
}

}  // namespace

std::optional<AddrPrefix> ParseAddr(absl::string_view text,
                                    bool allow_prefix) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('/', 1));
  const bool has_len = absl::StrContains(text, '/');
  if (has_len && !allow_prefix) return std::nullopt;
  AddrPrefix out;
  const std::string addr(parts.first);
  int family_bits = 128;
  if (inet_pton(AF_INET, addr.c_str(), out.bytes.data() + 12) == 1) {
    out.bytes[10] = out.bytes[11] = 0xff;
    family_bits = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), out.bytes.data()) != 1) {
    return std::nullopt;
  }
  out.bits = 128;
  if (has_len) {
    int len = 0;
    if (!absl::SimpleAtoi(parts.second, &len) || len < 0 ||
        len > family_bits) {
      return std::nullopt;
    }
    out.bits = 128 - family_bits + len;
  }
  return out;
}

bool InPrefix(const AddrPrefix& prefix, const std::array<uint8_t, 16>& addr) {
  const int whole = prefix.bits / 8;
  if (std::memcmp(prefix.bytes.data(), addr.data(), whole) != 0) return false;
  const int rest = prefix.bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (prefix.bytes[whole] & mask) == (addr[whole] & mask);
}

int CompareValues(const Json& a, const Json& b, bool addresses) {
  if (a.is_null() || b.is_null()) return Cmp(!a.is_null(), !b.is_null());
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b);
  if (a.is_boolean() && b.is_boolean()) {
    return Cmp(a.get<bool>(), b.get<bool>());
  }
  if (a.is_string() && b.is_string()) {
    const std::string& x = a.get_ref<const std::string&>();
    const std::string& y = b.get_ref<const std::string&>();
    if (addresses) {
      std::optional<AddrPrefix> ax = ParseAddr(x, false);
      std::optional<AddrPrefix> ay = ParseAddr(y, false);
      if (ax && ay) return Cmp(ax->bytes, ay->bytes);
    }
    return x.compare(y) < 0 ? -1 : (x == y ? 0 : 1);
  }
  const std::string x = DumpJson(a), y = DumpJson(b);
  return x.compare(y) < 0 ? -1 : (x == y ? 0 : 1);
}

std::optional<Json> ParseNumber(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  uint64_t u;
  int64_t i;
  double d;
  if (absl::StartsWithIgnoreCase(text, "0x")) {
    if (absl::SimpleHexAtoi(text.substr(2), &u)) return Json(u);
    return std::nullopt;
  }
  if (absl::SimpleAtoi(text, &u)) return Json(u);
  if (absl::SimpleAtoi(text, &i)) return Json(i);
  if (absl::SimpleAtod(text, &d)) return Json(d);
  return std::nullopt;
}

std::string PlainText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return DumpJson(value);
}

}  // namespace bpfwarden::cli
