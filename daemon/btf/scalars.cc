#include "daemon/btf/scalars.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace bpfwarden::btf_internal {
namespace {

std::string Int128Text(absl::int128 value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

absl::int128 MaxOf(uint32_t bits, bool is_signed) {
  const uint32_t magnitude_bits = is_signed ? bits - 1 : bits;
  return (absl::int128(1) << magnitude_bits) - 1;
}

absl::int128 MinOf(uint32_t bits, bool is_signed) {
  return is_signed ? -(absl::int128(1) << (bits - 1)) : absl::int128(0);
}

}  // namespace

absl::int128 ReadBits(absl::Span<const uint8_t> bytes, uint32_t bit_offset,
                      uint32_t bits, bool is_signed) {
  absl::uint128 raw = 0;
  if (bit_offset % 8 == 0 && bits % 8 == 0) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + bit_offset / 8, bits / 8);
    raw = word;
  } else {
    for (uint32_t i = 0; i < bits; ++i) {
      const uint32_t at = bit_offset + i;
      if ((bytes[at / 8] >> (at % 8)) & 1) raw |= absl::uint128(1) << i;
    }
  }
  if (is_signed && ((raw >> (bits - 1)) & 1) != 0) {
    raw |= ~((absl::uint128(1) << bits) - 1);  // sign-extend to 128 bits
  }
  return static_cast<absl::int128>(raw);
}

void WriteBits(absl::Span<uint8_t> bytes, uint32_t bit_offset, uint32_t bits,
               absl::int128 value) {
  const absl::uint128 raw = static_cast<absl::uint128>(value);
  if (bit_offset % 8 == 0 && bits % 8 == 0) {
    const uint64_t word = absl::Uint128Low64(raw);
    std::memcpy(bytes.data() + bit_offset / 8, &word, bits / 8);
    return;
  }
  for (uint32_t i = 0; i < bits; ++i) {
    const uint32_t at = bit_offset + i;
    const uint8_t mask = static_cast<uint8_t>(1u << (at % 8));
    if (((raw >> i) & 1) != 0) {
      bytes[at / 8] |= mask;
    } else {
      bytes[at / 8] &= static_cast<uint8_t>(~mask);
    }
  }
}

double JsonScalar::AsDouble() const {
  switch (kind) {
    case Kind::kInt:
      return static_cast<double>(int_value);
    case Kind::kUint:
      return static_cast<double>(uint_value);
    default:
      return float_value;
  }
}

JsonScalar ScalarOf(const Json& value) {
  using Kind = JsonScalar::Kind;
  JsonScalar out;
  switch (value.type()) {
    case Json::value_t::object:
      out.kind = Kind::kObject;
      break;
    case Json::value_t::array:
      out.kind = Kind::kArray;
      break;
    case Json::value_t::string:
      out.kind = Kind::kString;
      out.text = value.get_ref<const std::string&>();
      break;
    case Json::value_t::boolean:
      out.kind = Kind::kBool;
      out.boolean = value.get<bool>();
      break;
    case Json::value_t::number_integer:
      out.kind = Kind::kInt;
      out.int_value = value.get<int64_t>();
      break;
    case Json::value_t::number_unsigned:
      out.kind = Kind::kUint;
      out.uint_value = value.get<uint64_t>();
      break;
    case Json::value_t::number_float:
      out.kind = Kind::kFloat;
      out.float_value = value.get<double>();
      break;
    default:
      out.kind = Kind::kNull;
      break;
  }
  return out;
}

absl::StatusOr<absl::int128> JsonInteger(const Json& value) {
  return JsonInteger(ScalarOf(value));
}

absl::StatusOr<absl::int128> JsonInteger(const JsonScalar& value) {
  using Kind = JsonScalar::Kind;
  if (value.kind == Kind::kUint) return absl::int128(value.uint_value);
  if (value.kind == Kind::kInt) return absl::int128(value.int_value);
  if (value.kind == Kind::kString) {
    absl::string_view digits = absl::StripAsciiWhitespace(value.text);
    bool negative = false;
    if (!digits.empty() && digits[0] == '-') {
      negative = true;
      digits.remove_prefix(1);
    }
    uint64_t magnitude = 0;
    bool ok;
    if (digits.size() > 2 && digits[0] == '0' &&
        (digits[1] == 'x' || digits[1] == 'X')) {
      ok = absl::SimpleHexAtoi(digits.substr(2), &magnitude) &&
           digits.substr(2).find_first_of("+-") == absl::string_view::npos;
    } else {
      ok = !digits.empty() &&
           digits.find_first_not_of("0123456789") == absl::string_view::npos &&
           absl::SimpleAtoi(digits, &magnitude);
    }
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("string \"", value.text,
                       "\" is not an integer (decimal, or hex with 0x)"));
    }
    return negative ? -absl::int128(magnitude) : absl::int128(magnitude);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "expected an integer, got ", JsonTypeName(value),
      value.kind == Kind::kFloat
          ? absl::StrCat(" ", DumpJson(Json(value.float_value)))
          : ""));
}

bool InRange(absl::int128 value, uint32_t bits, bool is_signed) {
  return value <= MaxOf(bits, is_signed) && value >= MinOf(bits, is_signed);
}

absl::Status CheckRange(absl::int128 value, uint32_t bits, bool is_signed,
                        absl::string_view type_name) {
  if (value > MaxOf(bits, is_signed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("integer ", Int128Text(value), " overflows ", type_name,
                     " (max ", Int128Text(MaxOf(bits, is_signed)), ")"));
  }
  if (value < MinOf(bits, is_signed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("integer ", Int128Text(value), " underflows ", type_name,
                     " (min ", Int128Text(MinOf(bits, is_signed)), ")"));
  }
  return absl::OkStatus();
}

Json IntegerJson(absl::int128 value) {
  if (value < 0) return Json(static_cast<int64_t>(value));
  return Json(static_cast<uint64_t>(value));
}

std::string FormatIp(absl::Span<const uint8_t> bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0,    0,
                                                0, 0, 0, 0, 0xff, 0xff};
  if (bytes.size() == 16 && std::memcmp(bytes.data(), kMappedPrefix, 12) != 0) {
    inet_ntop(AF_INET6, bytes.data(), text, sizeof(text));
  } else {
    inet_ntop(AF_INET, bytes.data() + bytes.size() - 4, text, sizeof(text));
  }
  return text;
}

absl::Status ParseIp(absl::string_view text, absl::Span<uint8_t> out) {
  const std::string s(text);
  uint8_t v4[4];
  uint8_t v6[16];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    std::memset(out.data(), 0, out.size());
    if (out.size() == 16) {
      out[10] = 0xff;
      out[11] = 0xff;
    }
    std::memcpy(out.data() + out.size() - 4, v4, 4);
    return absl::OkStatus();
  }
  if (inet_pton(AF_INET6, s.c_str(), v6) == 1) {
    if (out.size() == 16) {
      std::memcpy(out.data(), v6, 16);
      return absl::OkStatus();
    }
    if (IN6_IS_ADDR_V4MAPPED(reinterpret_cast<const in6_addr*>(v6))) {
      std::memcpy(out.data(), v6 + 12, 4);
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "IPv6 address \"", text, "\" does not fit an IPv4 (4-byte) field"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text, "\" is not an IPv4 or IPv6 address"));
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    size_t extra;
    uint32_t min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, min = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    uint32_t code = c & (0x3f >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      const uint8_t cc = static_cast<uint8_t>(text[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

const char* JsonTypeName(const JsonScalar& value) {
  switch (value.kind) {
    case JsonScalar::Kind::kObject:
      return "object";
    case JsonScalar::Kind::kArray:
      return "array";
    case JsonScalar::Kind::kString:
      return "string";
    case JsonScalar::Kind::kBool:
      return "boolean";
    case JsonScalar::Kind::kInt:
    case JsonScalar::Kind::kUint:
      return "integer";
    case JsonScalar::Kind::kFloat:
      return "number";
    case JsonScalar::Kind::kNull:
      return "null";
  }
  return "value";
}

std::string JsonTypeName(const Json& value) {
  // Kinds a parsed text never has (ScalarOf would call them null).
  if (value.is_binary() || value.is_discarded()) return "value";
  return JsonTypeName(ScalarOf(value));
}

}  // namespace bpfwarden::btf_internal
