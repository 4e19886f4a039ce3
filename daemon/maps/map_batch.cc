// TypedMap's batch writes: the kernel's batch commands where the map type
// has them, else one element at a time; both stop at the first failure.
#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "daemon/maps/map_types.h"
#include "daemon/maps/typed_map.h"

namespace bpfwarden {
namespace {

// Prefixes a failure with which entry failed and how many were applied.
BatchResult Failed(size_t applied, size_t total, const absl::Status& status) {
  const std::string applied_text =
      applied == 0
          ? "nothing applied"
          : absl::StrCat("entries 0..", applied - 1, " applied, none after");
  return BatchResult{
      applied,
      absl::Status(status.code(),
                   absl::StrCat("entry ", applied, " of ", total, ": ",
                                status.message(), " (", applied_text, ")"))};
}

BatchResult Rejected(size_t index, size_t total, const absl::Status& status) {
  return BatchResult{
      0, absl::Status(status.code(),
                      absl::StrCat("entry ", index, " of ", total, ": ",
                                   status.message(), " (nothing applied)"))};
}

// The kernel reports how many elements it processed only once it reaches
// them; an error before (bad flags, say) leaves the count as passed in.
size_t AppliedBeforeError(uint32_t count, size_t requested) {
  return count >= requested ? 0 : count;
}

}  // namespace

BatchResult TypedMap::UpdateBatch(const std::vector<MapEntry>& entries,
                                  UpdateFlag flag) const {
  const std::string op =
      absl::StrCat("batch update (", UpdateFlagName(flag), ")");
  Bytes keys, values;
  keys.reserve(entries.size() * key_size());
  values.reserve(entries.size() * value_bytes_);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (absl::Status s = CheckKey(entries[i].key, op); !s.ok()) {
      return Rejected(i, entries.size(), s);
    }
    if (absl::Status s = CheckValue(entries[i].value, op); !s.ok()) {
      return Rejected(i, entries.size(), s);
    }
    keys.insert(keys.end(), entries[i].key.begin(), entries[i].key.end());
    values.insert(values.end(), entries[i].value.begin(),
                  entries[i].value.end());
  }
  if (entries.empty()) return BatchResult{0, absl::OkStatus()};
  // The kernel's batch update takes no NOEXIST/EXIST (elem_flags allows
  // only BPF_F_LOCK), so those go one element at a time.
  if (!SupportsUpdateBatch(info_.type) || flag != UpdateFlag::kAny) {
    for (size_t i = 0; i < entries.size(); ++i) {
      absl::Status s = Update(entries[i].key, entries[i].value, flag);
      if (!s.ok()) return Failed(i, entries.size(), s);
    }
    return BatchResult{entries.size(), absl::OkStatus()};
  }
  LIBBPF_OPTS(bpf_map_batch_opts, opts);
  uint32_t count = entries.size();
  if (bpf_map_update_batch(fd_.get(), keys.data(), values.data(), &count,
                           &opts) != 0) {
    const int err = errno;
    return Failed(AppliedBeforeError(count, entries.size()), entries.size(),
                  Errno(err, MapAccess::kWrite, op));
  }
  return BatchResult{count, absl::OkStatus()};
}

BatchResult TypedMap::DeleteBatch(const std::vector<Bytes>& keys) const {
  Bytes packed;
  packed.reserve(keys.size() * key_size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (absl::Status s = CheckKey(keys[i], "batch delete from"); !s.ok()) {
      return Rejected(i, keys.size(), s);
    }
    packed.insert(packed.end(), keys[i].begin(), keys[i].end());
  }
  if (keys.empty()) return BatchResult{0, absl::OkStatus()};
  if (!SupportsDeleteBatch(info_.type)) {
    for (size_t i = 0; i < keys.size(); ++i) {
      absl::Status s = Delete(keys[i]);
      if (!s.ok()) return Failed(i, keys.size(), s);
    }
    return BatchResult{keys.size(), absl::OkStatus()};
  }
  LIBBPF_OPTS(bpf_map_batch_opts, opts);
  uint32_t count = keys.size();
  if (bpf_map_delete_batch(fd_.get(), packed.data(), &count, &opts) != 0) {
    const int err = errno;
    return Failed(AppliedBeforeError(count, keys.size()), keys.size(),
                  Errno(err, MapAccess::kWrite, "batch delete from"));
  }
  return BatchResult{count, absl::OkStatus()};
}

BatchResult TypedMap::UpdateBatchJson(const std::vector<JsonEntry>& entries,
                                      UpdateFlag flag,
                                      const DecodeOptions& options) const {
  std::vector<MapEntry> raw;
  raw.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    absl::StatusOr<Bytes> key = KeyFromJson(entries[i].key, options);
    if (!key.ok()) return Rejected(i, entries.size(), key.status());
    absl::StatusOr<Bytes> value = ValueFromJson(entries[i].value, options);
    if (!value.ok()) return Rejected(i, entries.size(), value.status());
    raw.push_back(MapEntry{*std::move(key), *std::move(value)});
  }
  return UpdateBatch(raw, flag);
}

BatchResult TypedMap::DeleteBatchJson(const std::vector<Json>& keys) const {
  std::vector<Bytes> raw;
  raw.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StatusOr<Bytes> key = KeyFromJson(keys[i]);
    if (!key.ok()) return Rejected(i, keys.size(), key.status());
    raw.push_back(*std::move(key));
  }
  return DeleteBatch(raw);
}

}  // namespace bpfwarden
