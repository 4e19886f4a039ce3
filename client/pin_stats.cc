#include "client/pin_stats.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <fstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden {
namespace {

bool IsArray(uint32_t type) {
  return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
         type == BPF_MAP_TYPE_PROG_ARRAY || type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
         type == BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
         type == BPF_MAP_TYPE_CGROUP_ARRAY;
}

bool HasNoKeys(uint32_t type) {
  return type == BPF_MAP_TYPE_RINGBUF || type == BPF_MAP_TYPE_QUEUE ||
         type == BPF_MAP_TYPE_STACK || type == BPF_MAP_TYPE_BLOOM_FILTER ||
         type == BPF_MAP_TYPE_USER_RINGBUF ||
         type == BPF_MAP_TYPE_SK_STORAGE || type == BPF_MAP_TYPE_INODE_STORAGE ||
         type == BPF_MAP_TYPE_TASK_STORAGE;
}

absl::StatusOr<uint64_t> CountKeys(int fd, uint32_t key_size,
                                   const std::string& path) {
  std::vector<char> key(key_size), next(key_size);
  uint64_t count = 0;
  const void* previous = nullptr;
  while (bpf_map_get_next_key(fd, previous, next.data()) == 0) {
    ++count;
    key.swap(next);
    previous = key.data();
  }
  if (errno != ENOENT) return ErrnoStatus(errno, absl::StrCat("count ", path));
  return count;
}

uint64_t Memlock(int fd) {
  std::ifstream in(absl::StrCat("/proc/self/fdinfo/", fd));
  std::string line;
  uint64_t bytes = 0;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, "memlock:")) {
      (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &bytes);
    }
  }
  return bytes;
}

}  // namespace

absl::StatusOr<PinStats> ReadPinStats(const std::string& path) {
  UniqueFd fd(bpf_obj_get(path.c_str()));
  if (!fd) return ErrnoStatus(errno, absl::StrCat("open pin ", path));
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) {
    return ErrnoStatus(errno, absl::StrCat("get info of ", path));
  }
  PinStats stats;
  const char* name =
      libbpf_bpf_map_type_str(static_cast<bpf_map_type>(info.type));
  stats.type_name = name != nullptr ? name : absl::StrCat(info.type);
  stats.memlock = Memlock(fd.get());
  if (IsArray(info.type)) {
    stats.entries = info.max_entries;
  } else if (!HasNoKeys(info.type)) {
    // A type that cannot list its keys shows no count rather than failing.
    absl::StatusOr<uint64_t> count = CountKeys(fd.get(), info.key_size, path);
    if (count.ok()) stats.entries = *count;
  }
  return stats;
}

}  // namespace bpfwarden
