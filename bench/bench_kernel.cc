// bench_tool's in-process modes: fill a pinned map, dump it by batch or by
// next-key, and time the bare lookup syscall (the anchors of bench/run).
#include <bpf/bpf.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_maps.h"
#include "bench/bench_tool.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::bench {
namespace {

absl::StatusOr<UniqueFd> OpenPinned(const std::string& pin) {
  const int fd = bpf_obj_get(pin.c_str());
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("open ", pin, ": errno ", errno));
  }
  return UniqueFd(fd);
}

}  // namespace

bench_key KeyOf(uint64_t i) { return bench_key{i, i * 7 + 1}; }

absl::Status Fill(const std::string& pin, uint64_t entries) {
  absl::StatusOr<UniqueFd> fd = OpenPinned(pin);
  if (!fd.ok()) return fd.status();
  constexpr uint64_t kChunk = 10000;
  std::vector<bench_key> keys(kChunk);
  std::vector<bench_value> values(kChunk);
  for (uint64_t start = 0; start < entries; start += kChunk) {
    uint32_t n = std::min(kChunk, entries - start);
    for (uint32_t i = 0; i < n; ++i) {
      keys[i] = KeyOf(start + i);
      const uint64_t x = start + i;
      values[i] = bench_value{{x, x + 1, x + 2, x + 3}};
    }
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    if (bpf_map_update_batch(fd->get(), keys.data(), values.data(), &n,
                             &opts) != 0) {
      return absl::InternalError(
          absl::StrCat("fill ", pin, " at ", start, ": errno ", errno));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Result> DumpInProcess(const std::string& pin, bool batch) {
  absl::StatusOr<UniqueFd> fd = OpenPinned(pin);
  if (!fd.ok()) return fd.status();
  Result result;
  const Clock::time_point start = Clock::now();
  if (batch) {
    constexpr uint32_t kPage = 4096;
    std::vector<bench_key> keys(kPage);
    std::vector<bench_value> values(kPage);
    uint64_t cursor = 0;
    bool first = true;
    while (true) {
      uint32_t count = kPage;
      LIBBPF_OPTS(bpf_map_batch_opts, opts);
      const int rc =
          bpf_map_lookup_batch(fd->get(), first ? nullptr : &cursor, &cursor,
                               keys.data(), values.data(), &count, &opts);
      first = false;
      result.count += count;
      if (rc != 0) {
        if (errno == ENOENT) break;
        return absl::InternalError(absl::StrCat("batch: errno ", errno));
      }
    }
  } else {
    bench_key key, next;
    bench_value value;
    bool first = true;
    while (bpf_map_get_next_key(fd->get(), first ? nullptr : &key, &next) ==
           0) {
      first = false;
      if (bpf_map_lookup_elem(fd->get(), &next, &value) == 0) ++result.count;
      key = next;
    }
  }
  result.seconds = SecondsSince(start);
  return result;
}

absl::StatusOr<Result> SyscallLookups(const std::string& pin, double seconds,
                                      uint64_t keys) {
  absl::StatusOr<UniqueFd> fd = OpenPinned(pin);
  if (!fd.ok()) return fd.status();
  Result result;
  bench_value value;
  const Clock::time_point start = Clock::now();
  for (uint64_t i = 0; SecondsSince(start) < seconds; ++i) {
    const bench_key key = KeyOf(i % keys);
    const Clock::time_point t = Clock::now();
    if (bpf_map_lookup_elem(fd->get(), &key, &value) != 0) ++result.errors;
    result.latencies_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    ++result.count;
  }
  result.seconds = SecondsSince(start);
  return result;
}

}  // namespace bpfwarden::bench
