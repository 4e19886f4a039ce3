#include "client/direct/json_lines.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli {
namespace {

using AppendText = absl::Status (TypedMap::*)(absl::Span<const uint8_t>,
                                              std::string&) const;

// One side: the codec's text, or without one (and UNSPECIFIED asked) the
// bytes in hex as a JSON string.
absl::Status AppendSide(const TypedMap& map, AppendText append, bool has_codec,
                        bool hex_fallback, absl::Span<const uint8_t> bytes,
                        std::string& out) {
  if (has_codec || !hex_fallback) return (map.*append)(bytes, out);
  absl::StrAppend(&out, "\"", absl::BytesToHexString(absl::string_view(
                               reinterpret_cast<const char*>(bytes.data()),
                               bytes.size())),
                  "\"");
  return absl::OkStatus();
}

}  // namespace

absl::Status AppendJsonLines(const TypedMap& map, const PackedPage& page,
                             v1::Encoding encoding, std::string& out) {
  const bool hex = encoding == v1::ENCODING_UNSPECIFIED;
  const bool key_codec = map.key_codec().ok();
  const bool value_codec = map.value_codec().ok();
  const auto* keys = reinterpret_cast<const uint8_t*>(page.keys.data());
  const auto* values = reinterpret_cast<const uint8_t*>(page.values.data());
  const size_t key_size = map.key_size();
  const size_t value_size = map.value_bytes();
  for (size_t i = 0; i < page.count; ++i) {
    out.append("{\"key\":");
    if (map.implicit_key()) {
      out.append("null");
    } else if (absl::Status s = AppendSide(
                   map, &TypedMap::KeyToText, key_codec, hex,
                   absl::MakeConstSpan(keys + i * key_size, key_size), out);
               !s.ok()) {
      return s;
    }
    out.append(",\"value\":");
    if (absl::Status s = AppendSide(
            map, &TypedMap::ValueToText, value_codec, hex,
            absl::MakeConstSpan(values + i * value_size, value_size), out);
        !s.ok()) {
      return s;
    }
    out.append("}\n");
  }
  return absl::OkStatus();
}

absl::StatusOr<Bytes> KeyBytes(const TypedMap& map, const v1::Data& key) {
  if (map.implicit_key() &&
      (key.form_case() == v1::Data::FORM_NOT_SET ||
       (key.has_json() && absl::StripAsciiWhitespace(key.json()) == "null"))) {
    return Bytes(map.key_size(), 0);
  }
  if (key.has_raw()) {
    if (key.raw().size() != map.key_size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key: ", key.raw().size(), " raw bytes, but the map's ",
                       "key has ", map.key_size()));
    }
    return Bytes(key.raw().begin(), key.raw().end());
  }
  return map.KeyFromText(key.json());  // no DOM; ParseJson's messages
}

absl::StatusOr<Bytes> ValueBytes(const TypedMap& map, const v1::Data& value,
                                 bool zero_fill) {
  if (value.has_raw()) {
    if (value.raw().size() != map.value_bytes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "value: ", value.raw().size(), " raw bytes, but the map's value has ",
          map.value_bytes()));
    }
    return Bytes(value.raw().begin(), value.raw().end());
  }
  DecodeOptions options;
  options.zero_fill = zero_fill;
  return map.ValueFromText(value.json(), options);
}

}  // namespace bpfwarden::cli
