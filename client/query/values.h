// Comparing field values of entries' JSON: numbers exactly (int64, uint64,
// double), addresses by their bytes, strings by their text.
#ifndef BPFWARDEN_CLIENT_QUERY_VALUES_H_
#define BPFWARDEN_CLIENT_QUERY_VALUES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli {

// An address as 16 bytes (IPv4 mapped: ::ffff:a.b.c.d) and a prefix length
// in those 128 bits.
struct AddrPrefix {
  std::array<uint8_t, 16> bytes{};
  int bits = 128;
};

// "10.1.2.3", "2001:db8::1", with an optional "/len" when `allow_prefix`
// (an IPv4 length counts IPv4 bits). nullopt when it is not one.
std::optional<AddrPrefix> ParseAddr(absl::string_view text, bool allow_prefix);

// Whether `addr` lies in `prefix`.
bool InPrefix(const AddrPrefix& prefix, const std::array<uint8_t, 16>& addr);

// <0, 0, >0 as a is less than, equal to or greater than b. Numbers compare
// by value, strings by text (addresses by bytes when `addresses`); null is
// the least; other kinds compare by their JSON text.
int CompareValues(const Json& a, const Json& b, bool addresses);

// A number from text: an integer (int64 or uint64, decimal or 0x hex) or a
// floating-point number; nullopt when it is none.
std::optional<Json> ParseNumber(absl::string_view text);

// A value as plain text for a cell or a line: strings bare, the rest JSON.
std::string PlainText(const Json& value);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_QUERY_VALUES_H_
