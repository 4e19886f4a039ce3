#include "daemon/api/map_data.h"

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "daemon/policy/audit.h"

namespace bpfwarden::api {
namespace {

const char* SideName(Side side) { return side == Side::kKey ? "key" : "value"; }

size_t SideSize(const TypedMap& map, Side side) {
  return side == Side::kKey ? map.key_size() : map.value_bytes();
}

// The codec's messages start with its root ("key" or "value"); replace that
// root by the request path.
absl::Status WithPath(const absl::Status& status, Side side,
                      const std::string& path) {
  if (status.ok()) return status;
  absl::string_view message = status.message();
  absl::string_view root = SideName(side);
  if (message.substr(0, root.size()) == root)
    message.remove_prefix(root.size());
  else
    return absl::Status(status.code(), absl::StrCat(path, ": ", message));
  return absl::Status(status.code(), absl::StrCat(path, message));
}

absl::Status CheckRawSize(const TypedMap& map, const std::string& raw,
                          Side side, const std::string& path) {
  if (raw.size() == SideSize(map, side)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": ", raw.size(), " raw bytes, but the map's ",
                   SideName(side), " has ", SideSize(map, side)));
}

// A key given to a map without keys (queue, stack, bloom filter): only its
// absence, empty raw bytes or JSON null.
absl::Status CheckNoKey(const TypedMap& map, const v1::Data& data,
                        const std::string& path) {
  const bool absent =
      data.form_case() == v1::Data::FORM_NOT_SET ||
      (data.form_case() == v1::Data::kRaw && data.raw().empty()) ||
      (data.form_case() == v1::Data::kJson &&
       absl::StripAsciiWhitespace(data.json()) == "null");
  if (absent) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": map ", map.label(),
                   " has no keys: leave the key out (or give JSON null)"));
}

bool HasCodec(const TypedMap& map, Side side) {
  return side == Side::kKey ? map.key_codec().ok() : map.value_codec().ok();
}

}  // namespace

size_t MaxJsonBytes(size_t raw_size) { return 64 * raw_size + 4096; }

absl::StatusOr<Bytes> DataToBytes(const TypedMap& map, const v1::Data& data,
                                  Side side, bool zero_fill,
                                  const std::string& path) {
  if (side == Side::kKey && map.key_size() == 0) {
    if (absl::Status s = CheckNoKey(map, data, path); !s.ok()) return s;
    return Bytes();
  }
  switch (data.form_case()) {
    case v1::Data::kRaw: {
      const std::string& raw = data.raw();
      if (absl::Status s = CheckRawSize(map, raw, side, path); !s.ok()) {
        return s;
      }
      return Bytes(raw.begin(), raw.end());
    }
    case v1::Data::kJson: {
      if (side == Side::kKey && map.implicit_key() &&
          absl::StripAsciiWhitespace(data.json()) == "null") {
        return Bytes(map.key_size(), 0);  // global variables
      }
      // Checked before parsing: a hostile request costs no more memory than
      // the map's own layout justifies.
      const size_t bound = MaxJsonBytes(SideSize(map, side));
      if (data.json().size() > bound) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": ", data.json().size(), " bytes of JSON for a ",
            SideName(side), " of ", SideSize(map, side), " bytes; at most ",
            bound, " are accepted"));
      }
      // Straight from the text into the bytes, no DOM; malformed text says
      // "<root>: malformed JSON ...", which WithPath turns into the path.
      DecodeOptions options;
      options.zero_fill = zero_fill;
      absl::StatusOr<Bytes> bytes =
          side == Side::kKey ? map.KeyFromText(data.json(), options)
                             : map.ValueFromText(data.json(), options);
      if (!bytes.ok()) return WithPath(bytes.status(), side, path);
      return bytes;
    }
    case v1::Data::FORM_NOT_SET:
      // Global variables: the one entry, index 0.
      if (side == Side::kKey && map.implicit_key()) {
        return Bytes(map.key_size(), 0);
      }
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": missing (give raw or json)"));
}

absl::StatusOr<absl::Span<const uint8_t>> DataView(const TypedMap& map,
                                                   const v1::Data& data,
                                                   Side side, bool zero_fill,
                                                   const std::string& path,
                                                   Bytes& scratch) {
  if (data.form_case() == v1::Data::kRaw &&
      !(side == Side::kKey && map.key_size() == 0)) {
    const std::string& raw = data.raw();
    if (absl::Status s = CheckRawSize(map, raw, side, path); !s.ok()) return s;
    return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(raw.data()),
                               raw.size());
  }
  absl::StatusOr<Bytes> bytes = DataToBytes(map, data, side, zero_fill, path);
  if (!bytes.ok()) return bytes.status();
  scratch = *std::move(bytes);
  return absl::MakeConstSpan(scratch);
}

absl::StatusOr<v1::Data> BytesToData(const TypedMap& map,
                                     absl::Span<const uint8_t> bytes, Side side,
                                     v1::Encoding encoding) {
  v1::Data data;
  // Global variables: the implicit key is left out unless raw is asked;
  // maps without keys have none to give.
  if (side == Side::kKey &&
      ((map.implicit_key() && encoding != v1::ENCODING_RAW) ||
       map.key_size() == 0)) {
    return data;
  }
  if (encoding == v1::ENCODING_RAW ||
      (encoding == v1::ENCODING_UNSPECIFIED && !HasCodec(map, side))) {
    data.set_raw(bytes.data(), bytes.size());
    return data;
  }
  absl::Status s = side == Side::kKey
                       ? map.KeyToText(bytes, *data.mutable_json())
                       : map.ValueToText(bytes, *data.mutable_json());
  if (!s.ok()) return s;
  return data;
}

absl::Status AppendJsonText(const TypedMap& map,
                            absl::Span<const uint8_t> bytes, Side side,
                            v1::Encoding encoding, std::string& out) {
  if (side == Side::kKey && (map.implicit_key() || map.key_size() == 0)) {
    out.append("null");  // global variables: the key is implicit
    return absl::OkStatus();
  }
  if (encoding == v1::ENCODING_UNSPECIFIED && !HasCodec(map, side)) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (uint8_t b : bytes) {
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
    out.push_back('"');
    return absl::OkStatus();
  }
  return side == Side::kKey ? map.KeyToText(bytes, out)
                            : map.ValueToText(bytes, out);
}

std::string DataForAudit(const v1::Data& data) {
  switch (data.form_case()) {
    case v1::Data::kRaw:
      return absl::StrCat("raw:", policy::HexForAudit(data.raw()));
    case v1::Data::kJson:
      return data.json();
    case v1::Data::FORM_NOT_SET:
      break;
  }
  return "";
}

absl::Status CheckEncoding(v1::Encoding encoding) {
  if (v1::Encoding_IsValid(encoding)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("encoding: ", static_cast<int>(encoding),
                   " is not an Encoding (UNSPECIFIED, RAW or JSON)"));
}

}  // namespace bpfwarden::api
