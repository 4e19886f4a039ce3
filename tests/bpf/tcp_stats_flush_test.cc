// When tcp_stats writes to its shared map: a connection held open adds to
// its entry at its flush points only (open, close, and at the first RTT
// sample once tcp_stats_flush_interval_ms ran out), and an entry evicted
// while its connection lives comes back from zero.
#include <bpf/bpf.h>
#include <sys/socket.h>

#include <vector>

#include "bpf/include/tcp_stats.h"
#include "gtest/gtest.h"
#include "tests/bpf/attached_object_test_base.h"
#include "tests/bpf/held_connection.h"
#include "tests/bpf/stats_entries.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

constexpr tcp_stats_direction kInitiated = TCP_STATS_INITIATED;
constexpr tcp_stats_direction kAccepted = TCP_STATS_ACCEPTED;

// Counts of one side of a connection, as its entry shows them.
struct Side {
  uint64_t opens = 0;  // active or passive, by the side
  uint64_t established = 0;
  uint64_t bytes_acked = 0;
  uint64_t bytes_received = 0;
  uint64_t state_changes = 0;
};

class FlushTestBase : public AttachedObjectTestBase,
                      public ::testing::WithParamInterface<int> {
 protected:
  void Load(uint32_t flush_interval_ms) {
    v1::GlobalValue interval;
    interval.set_name("tcp_stats_flush_interval_ms");
    interval.set_uint_value(flush_interval_ms);
    ASSERT_NO_FATAL_FAILURE(
        LoadAndAttach(CurrentTestTag(), {"tcp_stats_sockops"}, {interval}));
  }

  int family() const { return GetParam(); }

  // The held connection's entry on one side; fails the test when absent.
  tcp_stats_value EntryOf(const HeldConnection& held,
                          tcp_stats_direction direction) {
    const std::vector<StatsEntry> entries = StatsEntries(MapFd("tcp_stats"));
    const tcp_stats_value* value = FindLoopback(
        entries, family(), direction, held.server_port(), cgroup().id());
    EXPECT_NE(value, nullptr) << "no entry on side " << int{direction};
    return value ? *value : tcp_stats_value{};
  }

  void ExpectSide(const HeldConnection& held, tcp_stats_direction direction,
                  const Side& want) {
    SCOPED_TRACE(direction == kInitiated ? "client" : "server");
    const tcp_stats_value got = EntryOf(held, direction);
    EXPECT_EQ(direction == kInitiated ? got.active_opens : got.passive_opens,
              want.opens);
    EXPECT_EQ(direction == kInitiated ? got.passive_opens : got.active_opens,
              0u);
    EXPECT_EQ(got.established, want.established);
    EXPECT_EQ(got.bytes_acked, want.bytes_acked);
    EXPECT_EQ(got.bytes_received, want.bytes_received);
    EXPECT_EQ(got.state_changes, want.state_changes);
  }
};

// The interval as shipped: counters of a live connection reach its entry at
// the first RTT sample after the interval, while the connection stays open;
// the close adds the rest, nothing twice.
class DefaultIntervalTest : public FlushTestBase {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    ASSERT_NO_FATAL_FAILURE(Load(TCP_STATS_FLUSH_INTERVAL_MS));
  }
};

TEST_P(DefaultIntervalTest, LongLivedConnectionIsFlushedWhileOpen) {
  auto hz = KernelHz();
  ASSERT_TRUE(hz.ok()) << hz.status();
  constexpr size_t kFirst = 5000, kSecond = 7000, kThird = 100;
  auto held = HeldConnection::Open(cgroup(), family());
  ASSERT_TRUE(held.ok()) << held.status();
  ASSERT_TRUE(held->RoundTrip(kFirst).ok());

  // Both ends last flushed when they opened, before `opened`: wait on the
  // kernel's clock until one interval has passed since. Then RTT samples:
  // the client's when the server acknowledges its second message, the
  // server's when the client acknowledges the reply (at the latest with
  // the third message).
  auto opened = Jiffies();
  ASSERT_TRUE(opened.ok()) << opened.status();
  const uint64_t interval =
      (uint64_t{TCP_STATS_FLUSH_INTERVAL_MS} * *hz + 999) / 1000;
  absl::StatusOr<uint64_t> now;
  ASSERT_TRUE(WaitFor(
      [&] {
        now = Jiffies();
        return !now.ok() || *now > *opened + interval;
      },
      30, 50))
      << "jiffies " << *now << ", opened at " << *opened;
  ASSERT_TRUE(now.ok()) << now.status();
  ASSERT_TRUE(held->RoundTrip(kSecond).ok());
  ASSERT_TRUE(held->RoundTrip(kThird).ok());

  // Still open, and the first round trip is in each side's entry.
  const uint64_t payload = kFirst + kSecond + kThird;
  const tcp_stats_value client = EntryOf(*held, kInitiated);
  EXPECT_EQ(client.active_opens, 1u);
  EXPECT_EQ(client.established, 1u);
  EXPECT_GE(client.bytes_acked, 1 + kFirst);
  EXPECT_LE(client.bytes_acked, 1 + payload);
  EXPECT_GE(client.bytes_received, kFirst);
  EXPECT_GT(client.srtt_us, 0u);
  EXPECT_GE(client.max_srtt_us, client.srtt_us);
  const tcp_stats_value server = EntryOf(*held, kAccepted);
  EXPECT_EQ(server.passive_opens, 1u);
  EXPECT_GE(server.bytes_received, kFirst + kSecond);
  EXPECT_GE(server.bytes_acked, kFirst);
  EXPECT_EQ(server.state_changes, 1u);  // SYN_RECV -> ESTABLISHED

  ASSERT_TRUE(held->Close().ok());
  ExpectSide(*held, kInitiated, {1, 1, 1 + payload + 1, payload + 1, 3});
  ExpectSide(*held, kAccepted, {1, 1, payload + 1, payload + 1, 4});
}

// An interval no test outlives: between its open and its close, a
// connection leaves its entry alone however much it exchanges.
class LongIntervalTest : public FlushTestBase {
 protected:
  static constexpr uint32_t kHourMs = 3600 * 1000;
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    ASSERT_NO_FATAL_FAILURE(Load(kHourMs));
  }

  // Removes the held connection's entries, as LRU eviction does. (Filling
  // the map from user space cannot force that eviction: the LRU keeps the
  // entries programs referenced on its active list, ahead of fillers that
  // nothing references.)
  void Evict() {
    const int fd = MapFd("tcp_stats");
    int removed = 0;
    for (const auto& [key, value] : StatsEntries(fd)) {
      if (key.cgroup_id != cgroup().id()) continue;
      ASSERT_EQ(bpf_map_delete_elem(fd, &key), 0);
      ++removed;
    }
    ASSERT_EQ(removed, 2);  // the client's entry and the server's
  }
};

TEST_P(LongIntervalTest, BetweenItsFlushPointsAConnectionLeavesItsEntryAlone) {
  constexpr size_t kBytes = 20000;
  auto held = HeldConnection::Open(cgroup(), family());
  ASSERT_TRUE(held.ok()) << held.status();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(held->RoundTrip(kBytes).ok());

  // What the opens flushed: the client's SYN, acknowledged, and nothing of
  // the exchange.
  ExpectSide(*held, kInitiated, {1, 1, 1, 0, 0});
  ExpectSide(*held, kAccepted, {1, 1, 0, 0, 0});

  ASSERT_TRUE(held->Close().ok());
  const uint64_t payload = 3 * kBytes;
  ExpectSide(*held, kInitiated, {1, 1, 1 + payload + 1, payload + 1, 3});
  ExpectSide(*held, kAccepted, {1, 1, payload + 1, payload + 1, 4});
}

// An entry evicted under a live connection comes back at the connection's
// next flush holding only what was not flushed before the eviction: no
// opens, the rest of the bytes. Each entry is a lower bound; only their sum
// is the whole connection.
TEST_P(LongIntervalTest, EvictedThenRecreatedEntryStartsFromZero) {
  constexpr size_t kBytes = 30000;
  auto held = HeldConnection::Open(cgroup(), family());
  ASSERT_TRUE(held.ok()) << held.status();
  ASSERT_TRUE(held->RoundTrip(kBytes).ok());
  const tcp_stats_value before = EntryOf(*held, kInitiated);
  ASSERT_EQ(before.active_opens, 1u);
  ASSERT_EQ(before.bytes_acked, 1u);  // the SYN, at established

  ASSERT_NO_FATAL_FAILURE(Evict());
  ASSERT_TRUE(held->Close().ok());

  // The close recreated both entries from zero.
  ExpectSide(*held, kInitiated, {0, 0, kBytes + 1, kBytes + 1, 3});
  ExpectSide(*held, kAccepted, {0, 0, kBytes + 1, kBytes + 1, 4});
  const tcp_stats_value after = EntryOf(*held, kInitiated);
  EXPECT_GE(after.first_seen_ms, before.last_seen_ms);
  EXPECT_GT(after.srtt_us, 0u);
}

std::string FamilyName(const ::testing::TestParamInfo<int>& info) {
  return info.param == AF_INET ? "IPv4" : "IPv6";
}

INSTANTIATE_TEST_SUITE_P(Families, DefaultIntervalTest,
                         ::testing::Values(AF_INET, AF_INET6), FamilyName);
INSTANTIATE_TEST_SUITE_P(Families, LongIntervalTest,
                         ::testing::Values(AF_INET, AF_INET6), FamilyName);

}  // namespace
}  // namespace bpfwarden::testing
