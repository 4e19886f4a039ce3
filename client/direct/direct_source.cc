#include "client/direct/direct_source.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/direct/json_lines.h"
#include "client/pinned_maps.h"
#include "daemon/api/typed_map_proto.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::cli {
namespace {

constexpr size_t kPageSize = 4096;

// The kernel names a BPF fd's kind in its anonymous inode.
bool IsMapFd(int fd) {
  std::error_code ec;
  std::filesystem::path target = std::filesystem::read_symlink(
      absl::StrCat("/proc/self/fd/", fd), ec);
  return !ec && target.string() == "anon_inode:bpf-map";
}

v1::MapInfo Describe(const TypedMap& map, const MapTarget& target,
                     const std::string& pin) {
  const bpf_map_info& info = map.info();
  v1::MapInfo out;
  out.mutable_ref()->set_program_set(target.set);
  out.mutable_ref()->set_map(target.map.empty() ? info.name : target.map);
  out.set_id(info.id);
  const char* type =
      libbpf_bpf_map_type_str(static_cast<bpf_map_type>(info.type));
  out.set_type(type ? type : absl::StrCat(info.type));
  out.set_key_size(info.key_size);
  out.set_value_size(info.value_size);
  out.set_max_entries(info.max_entries);
  out.set_flags(info.map_flags);
  out.set_pin_path(pin);
  out.set_btf_id(info.btf_id);
  api::SetTypedFacts(map, &out);
  return out;
}

}  // namespace

std::string DirectSource::PinPath(const MapTarget& target) const {
  if (!target.pin_path.empty()) return target.pin_path;
  return absl::StrCat(absl::StripSuffix(pin_root_, "/"), "/", target.set, "/",
                      target.map);
}

absl::StatusOr<TypedMap> DirectSource::Open(const MapTarget& target) const {
  const std::string pin = PinPath(target);
  LIBBPF_OPTS(bpf_obj_get_opts, opts);
  opts.file_flags = allow_write_ ? 0 : BPF_F_RDONLY;
  UniqueFd fd(bpf_obj_get_opts(pin.c_str(), &opts));
  if (!fd) {
    const int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat(
          "no pinned map ", pin, " (--direct reads pins under --pin_root=",
          pin_root_, "; `bpfwarden --direct pins` lists them)"));
    }
    return ErrnoStatus(err, absl::StrCat("open pin ", pin));
  }
  if (!IsMapFd(fd.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat(pin, " is pinned, but not a map"));
  }
  return TypedMap::Open(std::move(fd), target.Label());
}

absl::StatusOr<v1::MapInfo> DirectSource::Get(const MapTarget& target) {
  absl::StatusOr<TypedMap> map = Open(target);
  if (!map.ok()) return map.status();
  return Describe(*map, target, PinPath(target));
}

absl::StatusOr<std::vector<v1::MapInfo>> DirectSource::List(
    const std::string& set) {
  const std::string root(absl::StripSuffix(pin_root_, "/"));
  absl::StatusOr<std::vector<PinnedMap>> pins =
      ListPinnedMaps(set.empty() ? root : absl::StrCat(root, "/", set));
  if (!pins.ok()) return pins.status();
  std::vector<v1::MapInfo> out;
  for (const PinnedMap& pin : *pins) {
    std::filesystem::path path(pin.path);
    MapTarget target{.set = path.parent_path().filename().string(),
                     .map = path.filename().string(),
                     .pin_path = pin.path};
    absl::StatusOr<v1::MapInfo> info = Get(target);
    if (!info.ok()) return info.status();
    out.push_back(*std::move(info));
  }
  return out;
}

absl::Status DirectSource::Dump(const MapTarget& target, v1::Encoding encoding,
                                const PageSink& sink) {
  absl::StatusOr<TypedMap> map = Open(target);
  if (!map.ok()) return map.status();
  DumpOptions options;
  options.page_size = kPageSize;
  std::string token;
  v1::DumpResponse out;
  do {
    absl::StatusOr<PackedPage> page = map->DumpPacked(token, options);
    if (!page.ok()) return page.status();
    token = std::move(page->next_token);
    out.Clear();
    if (encoding == v1::ENCODING_RAW) {
      out.set_count(page->count);
      out.set_keys(std::move(page->keys));
      out.set_values(std::move(page->values));
    } else {
      absl::Status s = AppendJsonLines(*map, *page, encoding, *out.mutable_json_lines());
      if (!s.ok()) return s;
      out.set_count(page->count);
    }
    out.set_done(token.empty());
    absl::Status s = sink(out);
    if (absl::IsCancelled(s)) return absl::OkStatus();
    if (!s.ok()) return s;
  } while (!token.empty());
  return absl::OkStatus();
}

absl::StatusOr<v1::Entry> DirectSource::Lookup(const MapTarget& target,
                                               const v1::Data& key) {
  absl::StatusOr<TypedMap> map = Open(target);
  if (!map.ok()) return map.status();
  absl::StatusOr<Bytes> key_bytes = KeyBytes(*map, key);
  if (!key_bytes.ok()) return key_bytes.status();
  absl::StatusOr<Bytes> value = map->Lookup(*key_bytes);
  if (!value.ok()) return value.status();
  v1::Entry entry;
  if (!map->implicit_key()) {
    absl::Status s = map->KeyToText(*key_bytes, *entry.mutable_key()->mutable_json());
    if (!s.ok()) return s;
  }
  absl::Status s =
      map->ValueToText(*value, *entry.mutable_value()->mutable_json());
  if (!s.ok()) return s;
  return entry;
}

absl::Status DirectSource::Update(const MapTarget& target,
                                  const v1::Entry& entry, v1::UpdateFlag flag,
                                  bool zero_fill) {
  if (!allow_write_) {
    return absl::PermissionDeniedError(absl::StrCat(
        "--direct is read-only: add --allow-write to write to ",
        PinPath(target)));
  }
  absl::StatusOr<TypedMap> map = Open(target);
  if (!map.ok()) return map.status();
  absl::StatusOr<Bytes> key = KeyBytes(*map, entry.key());
  if (!key.ok()) return key.status();
  absl::StatusOr<Bytes> value = ValueBytes(*map, entry.value(), zero_fill);
  if (!value.ok()) return value.status();
  return map->Update(*key, *value, api::FromProto(flag));
}

}  // namespace bpfwarden::cli
