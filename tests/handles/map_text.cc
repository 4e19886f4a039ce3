#include "tests/handles/map_text.h"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::testing {
namespace {

std::string Hex(const std::vector<char>& bytes, size_t offset, size_t n) {
  return absl::BytesToHexString(absl::string_view(bytes.data() + offset, n));
}

std::string Sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& line : lines) absl::StrAppend(&out, line, "\n");
  return out;
}

}  // namespace

absl::StatusOr<std::string> EntriesByKeys(int fd, size_t key_size,
                                          size_t value_bytes) {
  std::vector<char> key(key_size), next(key_size), value(value_bytes);
  std::vector<std::string> lines;
  const void* prev = nullptr;
  for (;;) {
    if (bpf_map_get_next_key(fd, prev, next.data()) != 0) {
      if (errno == ENOENT) break;
      return ErrnoStatus(errno, "BPF_MAP_GET_NEXT_KEY");
    }
    key = next;
    prev = key.data();
    if (bpf_map_lookup_elem(fd, key.data(), value.data()) != 0) {
      if (errno == ENOENT) continue;  // deleted meanwhile
      return ErrnoStatus(errno, "BPF_MAP_LOOKUP_ELEM");
    }
    lines.push_back(
        absl::StrCat(Hex(key, 0, key_size), " ", Hex(value, 0, value_bytes)));
  }
  return Sorted(std::move(lines));
}

absl::StatusOr<std::string> EntriesByBatch(int fd, size_t key_size,
                                           size_t value_bytes) {
  constexpr uint32_t kBatch = 64;
  std::vector<char> keys(key_size * kBatch), values(value_bytes * kBatch);
  std::vector<char> in_batch(std::max<size_t>(key_size, 8)),
      out_batch(std::max<size_t>(key_size, 8));
  std::vector<std::string> lines;
  bool first = true;
  for (;;) {
    uint32_t count = kBatch;
    const int r = bpf_map_lookup_batch(fd, first ? nullptr : in_batch.data(),
                                       out_batch.data(), keys.data(),
                                       values.data(), &count, nullptr);
    const int err = r != 0 ? errno : 0;
    if (r != 0 && err != ENOENT) {
      return ErrnoStatus(err, "BPF_MAP_LOOKUP_BATCH");
    }
    for (uint32_t i = 0; i < count; ++i) {
      lines.push_back(absl::StrCat(Hex(keys, i * key_size, key_size), " ",
                                   Hex(values, i * value_bytes, value_bytes)));
    }
    if (err == ENOENT) break;
    in_batch = out_batch;
    first = false;
  }
  return Sorted(std::move(lines));
}

}  // namespace bpfwarden::testing
