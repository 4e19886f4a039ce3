// The kernel's per-program run statistics (bpf_prog_info run_cnt and
// run_time_ns), which grow only while kernel.bpf_stats_enabled is 1 or some
// process holds a BPF_ENABLE_STATS descriptor.
#ifndef BPFWARDEN_DAEMON_METRICS_PROG_STATS_H_
#define BPFWARDEN_DAEMON_METRICS_PROG_STATS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden::metrics {

inline constexpr char kBpfStatsEnabledPath[] =
    "/proc/sys/kernel/bpf_stats_enabled";

// Whether the sysctl at `path` reads 1 (false when unreadable).
bool BpfStatsEnabled(const std::string& path = kBpfStatsEnabledPath);

struct ProgStats {
  uint64_t run_count = 0;
  uint64_t run_time_ns = 0;
};

// Program `id`'s statistics, asked of the kernel by id.
absl::StatusOr<ProgStats> ReadProgStats(uint32_t id);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_PROG_STATS_H_
