#include "tests/bpf/stats_entries.h"

#include <sys/socket.h>

#include <cstring>

#include "tests/testing/default_object.h"

namespace bpfwarden::testing {
namespace {

std::vector<uint8_t> LoopbackMapped(int family) {
  if (family == AF_INET) {
    return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  }
  return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
}

}  // namespace

std::vector<StatsEntry> StatsEntries(int map_fd) {
  return MapEntries<tcp_stats_key, tcp_stats_value>(map_fd);
}

const tcp_stats_value* FindLoopback(const std::vector<StatsEntry>& entries,
                                    int family, tcp_stats_direction direction,
                                    uint16_t port, uint64_t cgroup) {
  const std::vector<uint8_t> addr = LoopbackMapped(family);
  const bool accepted = direction == TCP_STATS_ACCEPTED;
  for (const auto& [key, value] : entries) {
    if (key.family == family && key.direction == direction &&
        key.local_port == (accepted ? port : 0) &&
        key.remote_port == (accepted ? 0 : port) && key.cgroup_id == cgroup &&
        std::memcmp(key.remote_addr, addr.data(), 16) == 0) {
      return &value;
    }
  }
  return nullptr;
}

}  // namespace bpfwarden::testing
