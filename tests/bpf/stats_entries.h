// Reading tcp_stats in kernel tests: every entry, and the entry of one
// loopback service.
#ifndef BPFWARDEN_TESTS_BPF_STATS_ENTRIES_H_
#define BPFWARDEN_TESTS_BPF_STATS_ENTRIES_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "bpf/include/tcp_stats.h"

namespace bpfwarden::testing {

using StatsEntry = std::pair<tcp_stats_key, tcp_stats_value>;

std::vector<StatsEntry> StatsEntries(int map_fd);

// The entry of loopback connections (127.0.0.1 or ::1) on the side
// `direction` for the service on `port` (the remote port of initiated
// ones, the local port of accepted ones) owned by `cgroup`, if any.
const tcp_stats_value* FindLoopback(const std::vector<StatsEntry>& entries,
                                    int family, tcp_stats_direction direction,
                                    uint16_t port, uint64_t cgroup);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_BPF_STATS_ENTRIES_H_
