// tcp_stats on a real kernel: attached to a child cgroup, driven with
// loopback connections from inside it, over IPv4 and IPv6.
#include "bpf/include/tcp_stats.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/bpf/attached_object_test_base.h"
#include "tests/bpf/stats_entries.h"
#include "tests/bpf/tcp_probe.h"
#include "tests/bpf/tcp_socket.h"
#include "tests/testing/cgroup_call.h"
#include "tests/testing/default_object.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/scoped_pin_dir.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {
namespace {

constexpr tcp_stats_direction kInitiated = TCP_STATS_INITIATED;
constexpr tcp_stats_direction kAccepted = TCP_STATS_ACCEPTED;

// Every test runs on both variants of the builtin object: the default one,
// and the one for kernels without cmpxchg (every connection in
// tcp_stats_conns), with the same exact counts.
class TcpStatsTest
    : public AttachedObjectTestBase,
      public ::testing::WithParamInterface<std::tuple<int, BuiltinVariant>> {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    if (variant() == BuiltinVariant::kDefault && !KernelAtLeast(5, 12)) {
      // Before 5.12 the verifier refuses the default object's cmpxchg: that
      // refusal is checked, and the counts are the NoCmpxchg cases' to
      // check (the daemon loads that object here).
      auto pins = ScopedPinDir::Create(CurrentTestTag());
      ASSERT_TRUE(pins.ok()) << pins.status();
      ASSERT_THAT(DefaultObject::Load(*pins, {}, BuiltinVariant::kDefault),
                  StatusIs(absl::StatusCode::kInvalidArgument));
      GTEST_SKIP() << "kernel before 5.12: the default object is refused "
                      "(checked); see the NoCmpxchg cases";
    }
    ASSERT_NO_FATAL_FAILURE(
        LoadAndAttach(CurrentTestTag(), {"tcp_stats_sockops"}, {}, variant()));
    map_fd_ = MapFd("tcp_stats");
  }

  int family() const { return std::get<0>(GetParam()); }
  BuiltinVariant variant() const { return std::get<1>(GetParam()); }
  std::vector<StatsEntry> Entries() const { return StatsEntries(map_fd_); }
  // The entry of loopback connections to `port` from this cgroup.
  const tcp_stats_value* Find(const std::vector<StatsEntry>& entries,
                              tcp_stats_direction direction,
                              uint16_t port) const {
    return FindLoopback(entries, family(), direction, port, cgroup().id());
  }

  // One connection's bytes, RTT, state changes and retransmits, checked
  // against what the test sent and what TCP_INFO said before the close.
  void ExpectBytesAndRttOfOneConnection() {
    constexpr size_t kSent = 300000, kReplied = 12345;
    auto probe = CallInCgroup<ProbeResult>(cgroup(), [&] {
      return ProbeConnection(ProbeSpec{
          .family = family(), .client_bytes = kSent, .server_bytes = kReplied});
    });
    ASSERT_TRUE(probe.ok()) << probe.status();

    const std::vector<StatsEntry> entries = Entries();
    const tcp_stats_value* client =
        Find(entries, kInitiated, probe->server_port);
    const tcp_stats_value* server =
        Find(entries, kAccepted, probe->server_port);
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
    // The largest smoothed RTT seen covers the last one.
    EXPECT_GE(client->max_srtt_us, client->srtt_us);
    EXPECT_GE(server->max_srtt_us, server->srtt_us);
    // The callbacks are on from the established callback. Client (it ran
    // after the move to ESTABLISHED): FIN_WAIT1, FIN_WAIT2, CLOSE (its full
    // socket closes as it enters TIME_WAIT). Server (it ran just before
    // SYN_RECV -> ESTABLISHED): ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSE.
    EXPECT_EQ(client->state_changes, 3u);
    EXPECT_EQ(server->state_changes, 4u);
    // Loopback loses nothing, yet a busy host can fire a tail loss probe: the
    // count must match the kernel's own (SYN and SYN-ACK retransmissions
    // included, on both sides).
    EXPECT_EQ(client->retransmits,
              probe->client_info_after_close.tcpi_total_retrans);
    EXPECT_EQ(server->retransmits,
              probe->server_info_after_close.tcpi_total_retrans);
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

  // One entry a side: the client's for the server's port with every
  // connect, the server's for its own port with every accept. Nothing else:
  // the program runs only for sockets of this cgroup.
  const std::vector<StatsEntry> entries = Entries();
  EXPECT_EQ(entries.size(), 2u);
  const tcp_stats_value* client =
      Find(entries, kInitiated, exchange->server_port);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->active_opens, kConnections);
  EXPECT_EQ(client->passive_opens, 0u);
  EXPECT_EQ(client->established, kConnections);
  const tcp_stats_value* server =
      Find(entries, kAccepted, exchange->server_port);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->active_opens, 0u);
  EXPECT_EQ(server->passive_opens, kConnections);
  EXPECT_EQ(server->established, kConnections);
}

// Accepted connections aggregate by the local port, whatever ephemeral port
// each came from: 1,000 connections from one client process to one local
// port make one entry on each side.
TEST_P(TcpStatsTest, ThousandAcceptedConnectionsMakeOnePassiveEntry) {
  constexpr int kConnections = 1000;
  auto exchange =
      RunTcpExchangeIn(cgroup(), TcpExchange{.family = family(),
                                             .connections = kConnections,
                                             .bytes_per_connection = 1});
  ASSERT_TRUE(exchange.ok()) << exchange.status();

  const std::vector<StatsEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 2u);
  int passive_entries = 0;
  for (const auto& [key, value] : entries) {
    if (key.direction != kAccepted) continue;
    ++passive_entries;
    EXPECT_EQ(key.local_port, exchange->server_port);
    EXPECT_EQ(key.remote_port, 0u);
    EXPECT_EQ(key.cgroup_id, cgroup().id());
    EXPECT_EQ(value.passive_opens, kConnections);
    EXPECT_EQ(value.established, kConnections);
    EXPECT_EQ(value.active_opens, 0u);
  }
  EXPECT_EQ(passive_entries, 1);
  const tcp_stats_value* client =
      Find(entries, kInitiated, exchange->server_port);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->active_opens, kConnections);
}

// Bytes, RTT, state changes of one connection, both ends, against what
// the test sent and what TCP_INFO said before the close.
TEST_P(TcpStatsTest, BytesAndRttOfOneConnection) {
  ExpectBytesAndRttOfOneConnection();
}

// A connection whose slot in tcp_stats_slots another one holds keeps its
// state in the overflow map tcp_stats_conns instead, with the same counts.
// Every slot is taken here (by cookies no socket has, due to flush far in
// the future), so every connection overflows; its close removes it from the
// overflow map.
TEST_P(TcpStatsTest, AConnectionWhoseSlotIsTakenCountsTheSame) {
  const int slots = MapFd("tcp_stats_slots");
  tcp_stats_slot taken{};
  taken.conn.flush_due_jiffies = uint64_t{1} << 62;
  for (uint32_t i = 0; i < TCP_STATS_SLOTS; ++i) {
    taken.cookie = (uint64_t{1} << 63) | i;
    ASSERT_EQ(bpf_map_update_elem(slots, &i, &taken, BPF_ANY), 0) << i;
  }
  ExpectBytesAndRttOfOneConnection();
  for (uint32_t i = 0; i < TCP_STATS_SLOTS; ++i) {
    ASSERT_EQ(bpf_map_lookup_elem(slots, &i, &taken), 0) << i;
    ASSERT_EQ(taken.cookie, (uint64_t{1} << 63) | i) << "slot " << i;
  }
  uint64_t cookie;
  EXPECT_EQ(bpf_map_get_next_key(MapFd("tcp_stats_conns"), nullptr, &cookie),
            -ENOENT)
      << "a closed connection left its state behind";
}

// A slot held by a connection that has not flushed for
// TCP_STATS_SLOT_STALE_MS past its due time (here: due at jiffy 0, long
// ago) goes to the connection that needs it, not to the overflow map; the
// close frees it. The variant without cmpxchg never touches a slot.
TEST_P(TcpStatsTest, AStaleSlotIsTakenOver) {
  const int slots = MapFd("tcp_stats_slots");
  tcp_stats_slot stale{};
  for (uint32_t i = 0; i < TCP_STATS_SLOTS; ++i) {
    stale.cookie = (uint64_t{1} << 63) | i;
    ASSERT_EQ(bpf_map_update_elem(slots, &i, &stale, BPF_ANY), 0) << i;
  }
  ExpectBytesAndRttOfOneConnection();
  int freed = 0;
  for (uint32_t i = 0; i < TCP_STATS_SLOTS; ++i) {
    ASSERT_EQ(bpf_map_lookup_elem(slots, &i, &stale), 0) << i;
    if (stale.cookie == 0) ++freed;
  }
  // The client's slot and the server's; none without cmpxchg.
  EXPECT_EQ(freed, variant() == BuiltinVariant::kNoCmpxchg ? 0 : 2);
  uint64_t cookie;
  EXPECT_EQ(bpf_map_get_next_key(MapFd("tcp_stats_conns"), nullptr, &cookie),
            -ENOENT);
}

// A connect(2) that is refused sent a SYN: one active open, nothing
// established, counted when its socket closes.
TEST_P(TcpStatsTest, RefusedConnectIsAnActiveOpen) {
  auto port =
      CallInCgroup<uint16_t>(cgroup(), [&]() -> absl::StatusOr<uint16_t> {
        // A port nobody listens on: a listener's, once it closed.
        sockaddr_storage addr;
        socklen_t len = sizeof(addr);
        uint16_t port;
        {
          auto listener = Listen(family(), 1, &addr, &len);
          if (!listener.ok()) return listener.status();
          port = PortOf(addr);
        }
        UniqueFd fd(::socket(family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (!fd.valid()) return absl::InternalError("socket");
        if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0 ||
            errno != ECONNREFUSED) {
          return absl::InternalError("connect was not refused");
        }
        return port;
      });
  ASSERT_TRUE(port.ok()) << port.status();

  const std::vector<StatsEntry> entries = Entries();
  EXPECT_EQ(entries.size(), 1u);  // the client's: nothing was accepted
  const tcp_stats_value* client = Find(entries, kInitiated, *port);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->active_opens, 1u);
  EXPECT_EQ(client->established, 0u);
  EXPECT_EQ(client->bytes_received, 0u);
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
    if (round > 0) {  // the gap under test: at least kGapMs, more if loaded
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

  const std::vector<StatsEntry> entries = Entries();
  const tcp_stats_value* first = Find(entries, kInitiated, ports[0]);
  const tcp_stats_value* second = Find(entries, kInitiated, ports[1]);
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

INSTANTIATE_TEST_SUITE_P(
    FamiliesAndVariants, TcpStatsTest,
    ::testing::Combine(::testing::Values(AF_INET, AF_INET6),
                       ::testing::Values(BuiltinVariant::kDefault,
                                         BuiltinVariant::kNoCmpxchg)),
    [](const ::testing::TestParamInfo<std::tuple<int, BuiltinVariant>>& info) {
      return absl::StrCat(std::get<0>(info.param) == AF_INET ? "IPv4" : "IPv6",
                          std::get<1>(info.param) == BuiltinVariant::kDefault
                              ? "Default"
                              : "NoCmpxchg");
    });

}  // namespace
}  // namespace bpfwarden::testing
