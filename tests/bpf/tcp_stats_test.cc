// tcp_stats on a real kernel: attached to a child cgroup, driven with
// loopback connections from inside it, over IPv4 and IPv6.
#include "bpf/include/tcp_stats.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/bpf/attached_object_test_base.h"
#include "tests/bpf/tcp_probe.h"
#include "tests/testing/cgroup_call.h"
#include "tests/testing/default_object.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"

namespace bpfwarden::testing {
namespace {

using Entry = std::pair<tcp_stats_key, tcp_stats_value>;

std::vector<uint8_t> LoopbackMapped(int family) {
  if (family == AF_INET)
    return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
}

// The entry for (loopback, port) in `cgroup`, if any.
const tcp_stats_value* Find(const std::vector<Entry>& entries, int family,
                            uint16_t port, uint64_t cgroup) {
  const std::vector<uint8_t> addr = LoopbackMapped(family);
  for (const auto& [key, value] : entries) {
    if (key.family == family && key.remote_port == port &&
        key.cgroup_id == cgroup &&
        std::memcmp(key.remote_addr, addr.data(), 16) == 0) {
      return &value;
    }
  }
  return nullptr;
}

class TcpStatsTest : public AttachedObjectTestBase,
                     public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    ASSERT_NO_FATAL_FAILURE(
        LoadAndAttach(CurrentTestTag(), {"tcp_stats_sockops"}));
    map_fd_ = MapFd("tcp_stats");
  }

  int family() const { return GetParam(); }
  std::vector<Entry> Entries() const {
    return MapEntries<tcp_stats_key, tcp_stats_value>(map_fd_);
  }

  int map_fd_ = -1;
};

TEST_P(TcpStatsTest, CountsExactOpensFromTheChildCgroup) {
  constexpr int kConnections = 4;
  auto exchange =
      RunTcpExchangeIn(cgroup(), TcpExchange{.family = family(),
                                             .connections = kConnections,
                                             .bytes_per_connection = 100});
  ASSERT_TRUE(exchange.ok()) << exchange.status();

  // Client side: one entry for the server's port with every connect.
  // Server side: one entry per ephemeral client port. Nothing else: the
  // program runs only for sockets of this cgroup.
  const std::vector<Entry> entries = Entries();
  const tcp_stats_value* client =
      Find(entries, family(), exchange->server_port, cgroup().id());
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->active_opens, kConnections);
  EXPECT_EQ(client->passive_opens, 0u);
  EXPECT_EQ(client->established, kConnections);
  uint64_t passive = 0, established = 0;
  for (const auto& [key, value] : entries) {
    EXPECT_EQ(key.cgroup_id, cgroup().id());
    EXPECT_EQ(key.family, family());
    if (key.remote_port == exchange->server_port) continue;
    EXPECT_EQ(value.active_opens, 0u);
    EXPECT_EQ(value.passive_opens, 1u);
    passive += value.passive_opens;
    established += value.established;
  }
  EXPECT_EQ(entries.size(), 1u + kConnections);
  EXPECT_EQ(passive, kConnections);
  EXPECT_EQ(established, kConnections);
}

// Bytes, RTT, state changes of one connection, both ends, against what
// the test sent and what TCP_INFO said before the close.
TEST_P(TcpStatsTest, BytesAndRttOfOneConnection) {
  constexpr size_t kSent = 300000, kReplied = 12345;
  auto probe = CallInCgroup<ProbeResult>(cgroup(), [&] {
    return ProbeConnection(ProbeSpec{
        .family = family(), .client_bytes = kSent, .server_bytes = kReplied});
  });
  ASSERT_TRUE(probe.ok()) << probe.status();

  const std::vector<Entry> entries = Entries();
  const tcp_stats_value* client =
      Find(entries, family(), probe->server_port, cgroup().id());
  const tcp_stats_value* server =
      Find(entries, family(), probe->client_port, cgroup().id());
  ASSERT_NE(client, nullptr);
  ASSERT_NE(server, nullptr);

  // Sequence space acknowledged/received, per RFC 4898 as Linux counts it:
  // the active side's SYN is acknowledged (+1), a passive socket starts
  // past its SYN; each FIN counts once acknowledged (sender) and once
  // received (receiver). All FINs were exchanged before TCP_CLOSE.
  EXPECT_EQ(client->bytes_acked, 1 + kSent + 1);
  EXPECT_EQ(client->bytes_received, kReplied + 1);
  EXPECT_EQ(server->bytes_acked, kReplied + 1);
  EXPECT_EQ(server->bytes_received, kSent + 1);
  // The same counters, read from TCP_INFO before either FIN.
  EXPECT_EQ(probe->client_info_before_close.tcpi_bytes_acked, 1 + kSent);
  EXPECT_EQ(probe->client_info_before_close.tcpi_bytes_received, kReplied);
  EXPECT_EQ(probe->server_info_before_close.tcpi_bytes_acked, kReplied);
  EXPECT_EQ(probe->server_info_before_close.tcpi_bytes_received, kSent);

  EXPECT_GT(client->srtt_us, 0u);
  EXPECT_GT(client->min_rtt_us, 0u);
  EXPECT_LE(client->min_rtt_us, client->srtt_us * 8);
  EXPECT_GT(server->srtt_us, 0u);
  // The callbacks are on from the established callback. Client (it ran
  // after the move to ESTABLISHED): FIN_WAIT1, FIN_WAIT2, CLOSE (its full
  // socket closes as it enters TIME_WAIT). Server (it ran just before
  // SYN_RECV -> ESTABLISHED): ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSE.
  EXPECT_EQ(client->state_changes, 3u);
  EXPECT_EQ(server->state_changes, 4u);
  // Loopback loses nothing, yet a busy host can fire a tail loss probe: the
  // count must match the kernel's own (no SYN was retransmitted here, and
  // those come before the callbacks are on).
  EXPECT_EQ(client->retransmits,
            probe->client_info_after_close.tcpi_total_retrans);
  EXPECT_EQ(server->retransmits,
            probe->server_info_after_close.tcpi_total_retrans);
}

// first_seen/last_seen are milliseconds since boot on the jiffies clock:
// they fall inside the window the test read from /proc/timer_list, never go
// backwards, and two exchanges 300 ms apart are 300 ms apart in the map.
TEST_P(TcpStatsTest, TimesAreMonotonicMillisecondsOnTheJiffiesClock) {
  auto hz = KernelHz();
  ASSERT_TRUE(hz.ok()) << hz.status();
  const uint64_t jiffy_ms = (1000 + *hz - 1) / *hz;
  auto before = Jiffies();
  ASSERT_TRUE(before.ok()) << before.status();

  // Each round listens on a new port: one client entry per round.
  constexpr int kGapMs = 300;
  std::vector<uint16_t> ports;
  for (int round = 0; round < 2; ++round) {
    if (round > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kGapMs));
    }
    auto exchange =
        RunTcpExchangeIn(cgroup(), TcpExchange{.family = family(),
                                               .connections = 3,
                                               .bytes_per_connection = 10});
    ASSERT_TRUE(exchange.ok()) << exchange.status();
    ports.push_back(exchange->server_port);
  }
  auto after = Jiffies();
  ASSERT_TRUE(after.ok()) << after.status();

  const std::vector<Entry> entries = Entries();
  const tcp_stats_value* first =
      Find(entries, family(), ports[0], cgroup().id());
  const tcp_stats_value* second =
      Find(entries, family(), ports[1], cgroup().id());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  const uint64_t lo = JiffiesToBootMs(*before, *hz);
  const uint64_t hi = JiffiesToBootMs(*after, *hz);
  EXPECT_GE(first->first_seen_ms, lo);
  EXPECT_LE(first->first_seen_ms, first->last_seen_ms);
  EXPECT_GE(second->first_seen_ms, first->last_seen_ms + kGapMs - jiffy_ms);
  EXPECT_LE(second->first_seen_ms, second->last_seen_ms);
  EXPECT_LE(second->last_seen_ms, hi);
  // The first entry was last touched at its final close, before the gap.
  EXPECT_LT(first->last_seen_ms, second->first_seen_ms);
}

INSTANTIATE_TEST_SUITE_P(Families, TcpStatsTest,
                         ::testing::Values(AF_INET, AF_INET6),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == AF_INET ? "IPv4" : "IPv6";
                         });

}  // namespace
}  // namespace bpfwarden::testing
