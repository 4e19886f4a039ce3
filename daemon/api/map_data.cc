#include "daemon/api/map_data.h"

#include "absl/strings/str_cat.h"
#include "daemon/btf/json.h"
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

}  // namespace

absl::StatusOr<Bytes> DataToBytes(const TypedMap& map, const v1::Data& data,
                                  Side side, bool zero_fill,
                                  const std::string& path) {
  switch (data.form_case()) {
    case v1::Data::kRaw: {
      const std::string& raw = data.raw();
      if (raw.size() != SideSize(map, side)) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", raw.size(), " raw bytes, but the map's ",
                         SideName(side), " has ", SideSize(map, side)));
      }
      return Bytes(raw.begin(), raw.end());
    }
    case v1::Data::kJson: {
      absl::StatusOr<Json> json = ParseJson(data.json(), path);
      if (!json.ok()) return json.status();
      DecodeOptions options;
      options.zero_fill = zero_fill;
      absl::StatusOr<Bytes> bytes = side == Side::kKey
                                        ? map.KeyFromJson(*json, options)
                                        : map.ValueFromJson(*json, options);
      if (!bytes.ok()) return WithPath(bytes.status(), side, path);
      return bytes;
    }
    case v1::Data::FORM_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": missing (give raw or json)"));
}

absl::StatusOr<v1::Data> BytesToData(const TypedMap& map, const Bytes& bytes,
                                     Side side, v1::Encoding encoding) {
  v1::Data data;
  bool has_codec =
      side == Side::kKey ? map.key_codec().ok() : map.value_codec().ok();
  if (encoding == v1::ENCODING_RAW ||
      (encoding == v1::ENCODING_UNSPECIFIED && !has_codec)) {
    data.set_raw(bytes.data(), bytes.size());
    return data;
  }
  absl::StatusOr<Json> json =
      side == Side::kKey ? map.KeyToJson(bytes) : map.ValueToJson(bytes);
  if (!json.ok()) return json.status();
  data.set_json(DumpJson(*json));
  return data;
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

}  // namespace bpfwarden::api
