// TypedMap::Dump: pages by BPF_MAP_LOOKUP_BATCH or by next-key iteration,
// resumable with an opaque token (semantics in typed_map.h).
#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "daemon/maps/dump_token.h"
#include "daemon/maps/map_types.h"
#include "daemon/maps/typed_map.h"

namespace bpfwarden {
namespace {

using Method = DumpPosition::Method;

const char* MethodName(Method method) {
  return method == Method::kBatch ? "batch" : "next-key";
}

}  // namespace

absl::StatusOr<DumpPage> TypedMap::Dump(absl::string_view resume_token,
                                        const DumpOptions& options) const {
  absl::StatusOr<PackedPage> packed = DumpPacked(resume_token, options);
  if (!packed.ok()) return packed.status();
  DumpPage page;
  page.entries.reserve(packed->count);
  const auto* keys = reinterpret_cast<const uint8_t*>(packed->keys.data());
  const auto* values = reinterpret_cast<const uint8_t*>(packed->values.data());
  for (size_t i = 0; i < packed->count; ++i) {
    const uint8_t* k = keys + i * info_.key_size;
    const uint8_t* v = values + i * value_bytes_;
    page.entries.push_back(
        MapEntry{Bytes(k, k + info_.key_size), Bytes(v, v + value_bytes_)});
  }
  page.next_token = std::move(packed->next_token);
  return page;
}

absl::StatusOr<PackedPage> TypedMap::DumpPacked(
    absl::string_view resume_token, const DumpOptions& options) const {
  if (options.page_size == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("dump ", label_, ": page size must be at least 1"));
  }
  std::optional<Method> method;
  switch (options.method) {
    case DumpMethod::kBatch:
      if (!SupportsLookupBatch(info_.type)) {
        return absl::UnimplementedError(absl::StrCat(
            "dump ", label_, ": map type ",
            libbpf_bpf_map_type_str(static_cast<bpf_map_type>(info_.type)),
            " has no batch lookup"));
      }
      method = Method::kBatch;
      break;
    case DumpMethod::kNextKey:
      method = Method::kNextKey;
      break;
    case DumpMethod::kAuto:
      break;
  }
  // Large pages are bounded by the map itself.
  const size_t page_size = std::min<size_t>(
      options.page_size, std::max<uint32_t>(info_.max_entries, 1));
  if (resume_token.empty()) {
    if (!method.has_value()) {
      method =
          SupportsLookupBatch(info_.type) ? Method::kBatch : Method::kNextKey;
    }
    return *method == Method::kBatch ? DumpBatch(nullptr, page_size)
                                     : DumpNextKey(nullptr, page_size);
  }
  absl::StatusOr<DumpPosition> position = DecodeDumpToken(resume_token);
  if (!position.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("dump ", label_, ": ", position.status().message()));
  }
  if (position->map_id != info_.id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "dump ", label_, ": stale resume token: it belongs to map id ",
        position->map_id, ", this map is id ", info_.id,
        " (re-created?); restart the dump without a token"));
  }
  if (method.has_value() && *method != position->method) {
    return absl::InvalidArgumentError(
        absl::StrCat("dump ", label_, ": the resume token is from a ",
                     MethodName(position->method), " dump, but a ",
                     MethodName(*method), " dump was asked for"));
  }
  if (position->method == Method::kBatch) {
    if (!SupportsLookupBatch(info_.type) ||
        position->position.size() != std::max<size_t>(info_.key_size, 8)) {
      return absl::InvalidArgumentError(
          absl::StrCat("dump ", label_, ": malformed resume token"));
    }
    return DumpBatch(&position->position, page_size);
  }
  if (position->position.size() != info_.key_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("dump ", label_, ": malformed resume token"));
  }
  return DumpNextKey(&position->position, page_size);
}

absl::StatusOr<PackedPage> TypedMap::DumpBatch(const Bytes* cursor,
                                               size_t page_size) const {
  // The kernel's cursor is a u32 bucket for hash maps and a key for arrays.
  const size_t cursor_size = std::max<size_t>(info_.key_size, 8);
  Bytes in_batch = cursor != nullptr ? *cursor : Bytes(cursor_size);
  Bytes out_batch(cursor_size);
  // An LPM trie's (generic) batch resumes after a key, and silently
  // restarts at the first key when that key is gone, as next-key does:
  // catch that the same way.
  Bytes first(info_.key_size);
  bool have_first = false;
  if (cursor != nullptr && info_.type == BPF_MAP_TYPE_LPM_TRIE) {
    if (bpf_map_get_next_key(fd_.get(), nullptr, first.data()) == 0) {
      have_first = true;
    } else if (errno != ENOENT) {
      return Errno(errno, MapAccess::kRead, "batch dump of");
    }
  }
  size_t capacity = page_size;
  PackedPage page;
  while (true) {
    page.keys.resize(capacity * info_.key_size);
    page.values.resize(capacity * value_bytes_);
    uint32_t count = capacity;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    const int rc = bpf_map_lookup_batch(
        fd_.get(), cursor != nullptr ? in_batch.data() : nullptr,
        out_batch.data(), page.keys.data(), page.values.data(), &count, &opts);
    const int err = rc != 0 ? errno : 0;
    if (rc != 0 && err == ENOSPC && count == 0 &&
        capacity < std::max<uint32_t>(info_.max_entries, 1)) {
      // One hash bucket holds more entries than the page: the kernel never
      // splits a bucket, so take it whole.
      capacity = std::min<size_t>(capacity * 2, info_.max_entries);
      continue;
    }
    if (rc != 0 && err != ENOENT) {
      return Errno(err, MapAccess::kRead, "batch dump of");
    }
    if (have_first && count > 0 &&
        std::memcmp(page.keys.data(), first.data(), info_.key_size) == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("dump ", label_,
                       ": stale resume token: the entry it resumes "
                       "after is gone; restart the dump without a token"));
    }
    page.count = count;
    page.keys.resize(count * info_.key_size);
    page.values.resize(count * value_bytes_);
    // The generic batch (LPM tries) stops at a full page without looking
    // ahead: say "done" on a full last page rather than return an empty one
    // next, as next-key dumps do.
    const bool more =
        rc == 0 &&
        !(info_.type == BPF_MAP_TYPE_LPM_TRIE && count > 0 &&
          bpf_map_get_next_key(fd_.get(),
                               page.keys.data() + (count - 1) * info_.key_size,
                               first.data()) != 0 &&
          errno == ENOENT);
    if (more) {  // else ENOENT: the last page
      page.next_token = EncodeDumpToken(
          DumpPosition{Method::kBatch, info_.id, std::move(out_batch)});
    }
    return page;
  }
}
absl::StatusOr<PackedPage> TypedMap::DumpNextKey(const Bytes* last_key,
                                                 size_t page_size) const {
  const int fd = fd_.get();
  // get_next_key from a key that is gone silently restarts at the first
  // key (hash maps and LPM tries alike). Detect that: the key must still be
  // there, and what follows it must not be the first key.
  Bytes first(info_.key_size);
  bool have_first = false;
  if (last_key != nullptr) {
    if (bpf_map_get_next_key(fd, nullptr, first.data()) == 0) {
      have_first = true;
    } else if (errno != ENOENT) {
      return Errno(errno, MapAccess::kRead, "next-key dump of");
    }
    Bytes probe(value_bytes_);
    if (bpf_map_lookup_elem(fd, last_key->data(), probe.data()) != 0) {
      if (errno == ENOENT) {
        return absl::FailedPreconditionError(absl::StrCat(
            "dump ", label_,
            ": stale resume token: the entry it resumes "
            "after was deleted; restart the dump without a token"));
      }
      return Errno(errno, MapAccess::kRead, "next-key dump of");
    }
  }
  PackedPage page;
  Bytes prev = last_key != nullptr ? *last_key : Bytes();
  bool has_prev = last_key != nullptr;
  Bytes next(info_.key_size);
  Bytes value(value_bytes_);
  // A key that get_next_key gave but whose lookup found nothing: a hash
  // entry deleted meanwhile (asking again from `prev` moves on), or an
  // empty slot of a map that iterates every index (devmap, cpumap: asking
  // again gives the same key, so the dump steps over it).
  Bytes missing;
  while (page.count < page_size) {
    if (bpf_map_get_next_key(fd, has_prev ? prev.data() : nullptr,
                             next.data()) != 0) {
      if (errno == ENOENT) return page;  // done: no next token
      return Errno(errno, MapAccess::kRead, "next-key dump of");
    }
    if (have_first && page.count == 0 && next == first) {
      return absl::FailedPreconditionError(
          absl::StrCat("dump ", label_,
                       ": stale resume token: the entry it resumes "
                       "after is gone; restart the dump without a token"));
    }
    if (bpf_map_lookup_elem(fd, next.data(), value.data()) != 0) {
      if (errno == ENOENT) {
        if (next == missing) {
          prev = next;
          has_prev = true;
        } else {
          missing = next;
        }
        continue;
      }
      return Errno(errno, MapAccess::kRead, "next-key dump of");
    }
    page.keys.append(next.begin(), next.end());
    page.values.append(value.begin(), value.end());
    ++page.count;
    prev = next;
    has_prev = true;
  }
  // Say "done" on a full last page rather than return an empty one next.
  if (bpf_map_get_next_key(fd, prev.data(), next.data()) != 0 &&
      errno == ENOENT) {
    return page;
  }
  page.next_token =
      EncodeDumpToken(DumpPosition{Method::kNextKey, info_.id, prev});
  return page;
}

}  // namespace bpfwarden
