#include "daemon/maps/typed_map.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/per_cpu.h"
#include "daemon/maps/map_errors.h"
#include "daemon/maps/map_types.h"

namespace bpfwarden {
namespace {

// A codec for one side of the map, or why there is none.
absl::StatusOr<TypeCodec> SideCodec(
    const absl::StatusOr<std::shared_ptr<const BtfTypes>>& types,
    uint32_t type_id, uint32_t size, const std::string& side,
    const std::string& label) {
  if (!types.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("map ", label, ": ",
                                                      types.status().message(),
                                                      "; only raw bytes work"));
  }
  if (type_id == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "map ", label, " has no BTF for its ", side, ": only raw bytes work"));
  }
  absl::StatusOr<TypeCodec> codec = TypeCodec::Create(*types, type_id, side);
  if (!codec.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "map ", label, ": its ", side, " type cannot be coded as JSON (",
        codec.status().message(), "); only raw bytes work"));
  }
  if (codec->size() != size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "map ", label, ": BTF says the ", side, " is ", codec->size(),
        " bytes but the map's is ", size, "; only raw bytes work"));
  }
  return codec;
}

}  // namespace

const char* UpdateFlagName(UpdateFlag flag) {
  switch (flag) {
    case UpdateFlag::kAny:
      return "ANY";
    case UpdateFlag::kNoExist:
      return "NOEXIST";
    case UpdateFlag::kExist:
      return "EXIST";
  }
  return "?";
}

uint64_t KernelUpdateFlags(UpdateFlag flag) {
  switch (flag) {
    case UpdateFlag::kNoExist:
      return BPF_NOEXIST;
    case UpdateFlag::kExist:
      return BPF_EXIST;
    default:
      return BPF_ANY;
  }
}

absl::StatusOr<TypedMap> TypedMap::Open(UniqueFd fd, std::string label) {
  BtfCache btf;
  return Open(std::move(fd), std::move(label), btf);
}

absl::StatusOr<TypedMap> TypedMap::Open(UniqueFd fd, std::string label,
                                        BtfCache& btf) {
  TypedMap map;
  map.label_ = std::move(label);
  uint32_t len = sizeof(map.info_);
  if (bpf_obj_get_info_by_fd(fd.get(), &map.info_, &len) != 0) {
    return ErrnoStatus(errno, absl::StrCat("read map info of ", map.label_));
  }
  map.fd_ = std::move(fd);
  map.per_cpu_ = IsPerCpuMapType(map.info_.type);
  if (map.per_cpu_) {
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0) return ErrnoStatus(cpus, "count possible CPUs");
    map.num_cpus_ = cpus;
    map.value_bytes_ = PerCpuBytes(map.info_.value_size, cpus);
  } else {
    map.value_bytes_ = map.info_.value_size;
  }
  absl::StatusOr<std::shared_ptr<const BtfTypes>> types =
      map.info_.btf_id == 0
          ? absl::StatusOr<std::shared_ptr<const BtfTypes>>(
                absl::FailedPreconditionError("the map has no BTF"))
          : btf.Get(map.info_.btf_id);
  map.key_codec_ = SideCodec(types, map.info_.btf_key_type_id,
                             map.info_.key_size, "key", map.label_);
  map.value_codec_ = SideCodec(types, map.info_.btf_value_type_id,
                               map.info_.value_size, "value", map.label_);
  map.implicit_key_ = map.info_.type == BPF_MAP_TYPE_ARRAY &&
                      map.info_.max_entries == 1 && map.info_.key_size == 4 &&
                      map.value_codec_.ok() && map.value_codec_->is_section();
  if (map.implicit_key_) {
    map.key_codec_ = absl::FailedPreconditionError(absl::StrCat(
        "map ", map.label_,
        " holds global variables: its key is implicit, give none"));
  }
  return map;
}

absl::StatusOr<const TypeCodec*> TypedMap::key_codec() const {
  if (!key_codec_.ok()) return key_codec_.status();
  return &*key_codec_;
}

absl::StatusOr<const TypeCodec*> TypedMap::value_codec() const {
  if (!value_codec_.ok()) return value_codec_.status();
  return &*value_codec_;
}

std::optional<TypeLayout> TypedMap::KeyLayout() const {
  if (!key_codec_.ok()) return std::nullopt;
  return key_codec_->Layout();
}

std::optional<TypeLayout> TypedMap::ValueLayout() const {
  if (!value_codec_.ok()) return std::nullopt;
  return value_codec_->Layout();
}

absl::Status TypedMap::CheckKey(absl::Span<const uint8_t> key,
                                absl::string_view op) const {
  if (key.size() == info_.key_size) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(op, " ", label_, ": the key is ", info_.key_size,
                   " bytes, got ", key.size()));
}

absl::Status TypedMap::CheckValue(absl::Span<const uint8_t> value,
                                  absl::string_view op) const {
  if (value.size() == value_bytes_) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(op, " ", label_, ": the value is ", value_bytes_, " bytes",
                   per_cpu_ ? absl::StrCat(" (", num_cpus_, " CPUs x ",
                                           PerCpuStride(info_.value_size), ")")
                            : "",
                   ", got ", value.size()));
}

absl::Status TypedMap::Errno(int err, MapAccess access,
                             absl::string_view op) const {
  return MapErrnoStatus(err, fd_.get(), info_, access, op, label_);
}

absl::StatusOr<Bytes> TypedMap::Lookup(absl::Span<const uint8_t> key) const {
  Bytes value(value_bytes_);
  if (absl::Status s = LookupInto(key, absl::MakeSpan(value)); !s.ok()) {
    return s;
  }
  return value;
}

absl::Status TypedMap::LookupInto(absl::Span<const uint8_t> key,
                                  absl::Span<uint8_t> value) const {
  if (absl::Status s = CheckKey(key, "lookup in"); !s.ok()) return s;
  if (absl::Status s = CheckValue(value, "lookup in"); !s.ok()) return s;
  if (bpf_map_lookup_elem(fd_.get(), key.data(), value.data()) != 0) {
    return Errno(errno, MapAccess::kRead, "lookup in");
  }
  return absl::OkStatus();
}

absl::Status TypedMap::Update(absl::Span<const uint8_t> key,
                              absl::Span<const uint8_t> value,
                              UpdateFlag flag) const {
  const std::string op = absl::StrCat("update (", UpdateFlagName(flag), ")");
  if (absl::Status s = CheckKey(key, op); !s.ok()) return s;
  if (absl::Status s = CheckValue(value, op); !s.ok()) return s;
  if (bpf_map_update_elem(fd_.get(), key.data(), value.data(),
                          KernelUpdateFlags(flag)) != 0) {
    return Errno(errno, MapAccess::kWrite, op);
  }
  return absl::OkStatus();
}

absl::Status TypedMap::Delete(absl::Span<const uint8_t> key) const {
  if (absl::Status s = CheckKey(key, "delete from"); !s.ok()) return s;
  if (bpf_map_delete_elem(fd_.get(), key.data()) != 0) {
    const int err = errno;
    if (err == EINVAL && IsArrayMapType(info_.type)) {
      return absl::InvalidArgumentError(
          absl::StrCat("delete from ", label_,
                       ": elements of an array map cannot be deleted (write "
                       "zeroes with update instead)"));
    }
    return Errno(err, MapAccess::kWrite, "delete from");
  }
  return absl::OkStatus();
}

absl::StatusOr<Bytes> TypedMap::KeyFromJson(
    const Json& key, const DecodeOptions& options) const {
  absl::StatusOr<const TypeCodec*> codec = key_codec();
  if (!codec.ok()) return codec.status();
  return (*codec)->Decode(key, options);
}

absl::StatusOr<Bytes> TypedMap::ValueFromJson(
    const Json& value, const DecodeOptions& options) const {
  absl::StatusOr<const TypeCodec*> codec = value_codec();
  if (!codec.ok()) return codec.status();
  if (per_cpu_) return DecodePerCpu(**codec, num_cpus_, value, options);
  return (*codec)->Decode(value, options);
}

namespace {

// As ParseJson then *FromJson: malformed text is reported before the
// missing codec.
absl::Status NoCodecForText(absl::string_view text, absl::string_view root,
                            const absl::Status& no_codec) {
  absl::StatusOr<Json> parsed = ParseJson(text, root);
  return parsed.ok() ? no_codec : parsed.status();
}

}  // namespace

absl::StatusOr<Bytes> TypedMap::KeyFromText(
    absl::string_view key, const DecodeOptions& options) const {
  absl::StatusOr<const TypeCodec*> codec = key_codec();
  if (!codec.ok()) return NoCodecForText(key, "key", codec.status());
  return (*codec)->DecodeText(key, options);
}

absl::StatusOr<Bytes> TypedMap::ValueFromText(
    absl::string_view value, const DecodeOptions& options) const {
  absl::StatusOr<const TypeCodec*> codec = value_codec();
  if (!codec.ok()) return NoCodecForText(value, "value", codec.status());
  if (per_cpu_) return DecodePerCpuText(**codec, num_cpus_, value, options);
  return (*codec)->DecodeText(value, options);
}

absl::StatusOr<Json> TypedMap::KeyToJson(absl::Span<const uint8_t> key) const {
  absl::StatusOr<const TypeCodec*> codec = key_codec();
  if (!codec.ok()) return codec.status();
  return (*codec)->Encode(key);
}

absl::StatusOr<Json> TypedMap::ValueToJson(
    absl::Span<const uint8_t> value) const {
  absl::StatusOr<const TypeCodec*> codec = value_codec();
  if (!codec.ok()) return codec.status();
  if (per_cpu_) return EncodePerCpu(**codec, num_cpus_, value);
  return (*codec)->Encode(value);
}

absl::Status TypedMap::KeyToText(absl::Span<const uint8_t> key,
                                 std::string& out) const {
  if (!key_codec_.ok()) return key_codec_.status();
  return key_codec_->EncodeText(key, out);
}

absl::Status TypedMap::ValueToText(absl::Span<const uint8_t> value,
                                   std::string& out) const {
  if (!value_codec_.ok()) return value_codec_.status();
  if (!per_cpu_) return value_codec_->EncodeText(value, out);
  if (value.size() != value_bytes_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "value: expected ", value_bytes_, " bytes (", num_cpus_, " CPUs x ",
        PerCpuStride(info_.value_size), "), got ", value.size()));
  }
  const size_t stride = PerCpuStride(info_.value_size);
  out.push_back('[');
  for (int cpu = 0; cpu < num_cpus_; ++cpu) {
    if (cpu > 0) out.push_back(',');
    value_codec_->EncodeTextUnchecked(value.data() + cpu * stride, out);
  }
  out.push_back(']');
  return absl::OkStatus();
}

absl::StatusOr<Json> TypedMap::LookupJson(const Json& key) const {
  absl::StatusOr<Bytes> raw_key = KeyFromJson(key);
  if (!raw_key.ok()) return raw_key.status();
  absl::StatusOr<Bytes> value = Lookup(*raw_key);
  if (!value.ok()) return value.status();
  return ValueToJson(*value);
}

absl::Status TypedMap::UpdateJson(const Json& key, const Json& value,
                                  UpdateFlag flag,
                                  const DecodeOptions& options) const {
  absl::StatusOr<Bytes> raw_key = KeyFromJson(key, options);
  if (!raw_key.ok()) return raw_key.status();
  absl::StatusOr<Bytes> raw_value = ValueFromJson(value, options);
  if (!raw_value.ok()) return raw_value.status();
  return Update(*raw_key, *raw_value, flag);
}

absl::Status TypedMap::DeleteJson(const Json& key) const {
  absl::StatusOr<Bytes> raw_key = KeyFromJson(key);
  if (!raw_key.ok()) return raw_key.status();
  return Delete(*raw_key);
}

absl::StatusOr<std::vector<JsonEntry>> TypedMap::ToJson(
    const std::vector<MapEntry>& entries) const {
  std::vector<JsonEntry> out;
  out.reserve(entries.size());
  for (const MapEntry& entry : entries) {
    absl::StatusOr<Json> key = KeyToJson(entry.key);
    if (!key.ok()) return key.status();
    absl::StatusOr<Json> value = ValueToJson(entry.value);
    if (!value.ok()) return value.status();
    out.push_back(JsonEntry{*std::move(key), *std::move(value)});
  }
  return out;
}

}  // namespace bpfwarden
