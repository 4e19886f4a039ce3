// Coexistence: the programs act only on sockets of the cgroup they are
// attached to. A connection from a sibling cgroup without them is neither
// counted by tcp_stats nor tuned by tcp_tune, while one from the attached
// cgroup is, at the same time, with the same rules.
#include <bpf/bpf.h>

#include <cstring>
#include <string>

#include "bpf/include/tcp_stats.h"
#include "bpf/include/tcp_tune.h"
#include "gtest/gtest.h"
#include "tests/bpf/attached_object_test_base.h"
#include "tests/bpf/tcp_probe.h"
#include "tests/bpf/tune_rules.h"
#include "tests/testing/cgroup_call.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/scoped_cgroup.h"

namespace bpfwarden::testing {
namespace {

class CoexistenceTest : public AttachedObjectTestBase {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    ASSERT_NO_FATAL_FAILURE(LoadAndAttach(
        CurrentTestTag(), {"tcp_stats_sockops", "tcp_tune_sockops"}));
  }
};

TEST_F(CoexistenceTest, SiblingCgroupWithoutProgramsIsNotCountedOrTuned) {
  auto bare = ScopedCgroup::Create(CurrentTestTag() + "-bare");
  ASSERT_TRUE(bare.ok()) << bare.status();
  auto attached = AttachedProgramIds(bare->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(attached.ok()) << attached.status();
  ASSERT_TRUE(attached->empty());

  const std::string default_cc = DefaultCongestion();
  const std::string cc = NonDefaultCongestion();
  const tcp_tune_key key = Ipv4Prefix("127.0.0.0", 8);
  const tcp_tune_rule rule = Rule(5, cc);
  const int rules_fd = MapFd("tcp_tune_rules");
  ASSERT_EQ(bpf_map_update_elem(rules_fd, &key, &rule, BPF_ANY), 0);

  // From the bare cgroup: the default congestion control, nothing counted.
  auto outside = CallInCgroup<ProbeResult>(
      *bare, [] { return ProbeConnection(ProbeSpec{.family = AF_INET}); });
  ASSERT_TRUE(outside.ok()) << outside.status();
  EXPECT_EQ(outside->client_congestion, default_cc);
  auto outside_many =
      RunTcpExchangeIn(*bare, TcpExchange{.family = AF_INET6,
                                          .connections = 3,
                                          .bytes_per_connection = 100});
  ASSERT_TRUE(outside_many.ok()) << outside_many.status();

  const int stats_fd = MapFd("tcp_stats");
  const int counters_fd = MapFd("tcp_tune_counters");
  EXPECT_TRUE((MapEntries<tcp_stats_key, tcp_stats_value>(stats_fd).empty()));
  EXPECT_TRUE((MapEntries<tcp_tune_counter_key, tcp_tune_counters>(counters_fd)
                   .empty()));

  // From the attached cgroup: tuned and counted, under its own id only.
  auto inside = CallInCgroup<ProbeResult>(
      cgroup(), [] { return ProbeConnection(ProbeSpec{.family = AF_INET}); });
  ASSERT_TRUE(inside.ok()) << inside.status();
  EXPECT_EQ(inside->client_congestion, cc);
  auto stats = MapEntries<tcp_stats_key, tcp_stats_value>(stats_fd);
  EXPECT_EQ(stats.size(), 2u);  // the client's entry and the server's
  for (const auto& [k, v] : stats) {
    EXPECT_EQ(k.cgroup_id, cgroup().id());
    EXPECT_NE(k.cgroup_id, bare->id());
    EXPECT_EQ(v.established, 1u);
  }
  auto counters =
      MapEntries<tcp_tune_counter_key, tcp_tune_counters>(counters_fd);
  ASSERT_EQ(counters.size(), 1u);
  EXPECT_EQ(counters[0].first.rule_id, 5u);
  EXPECT_EQ(counters[0].second.matched, 2u);
}

// The owner of an accepted socket is the cgroup of the listener, not of
// whatever task the kernel was running when the handshake completed: here
// the final ACK is processed while the connecting task (in a cgroup without
// the programs) runs, so bpf_get_current_cgroup_id() in the passive
// callback would name the wrong cgroup.
TEST_F(CoexistenceTest, AcceptedConnectionBelongsToTheListenersCgroup) {
  auto bare = ScopedCgroup::Create(CurrentTestTag() + "-bare");
  ASSERT_TRUE(bare.ok()) << bare.status();
  constexpr size_t kBytes = 5000;
  auto ports = CallInCgroup<AcceptedPorts>(
      cgroup(), [&] { return AcceptOneFrom(*bare, AF_INET6, kBytes); });
  ASSERT_TRUE(ports.ok()) << ports.status();

  auto stats = MapEntries<tcp_stats_key, tcp_stats_value>(MapFd("tcp_stats"));
  ASSERT_EQ(stats.size(), 1u);  // the server's end only
  const auto& [key, value] = stats[0];
  EXPECT_EQ(key.cgroup_id, cgroup().id());
  EXPECT_EQ(key.direction, TCP_STATS_ACCEPTED);
  EXPECT_EQ(key.local_port, ports->server_port);
  EXPECT_EQ(key.remote_port, 0u);
  EXPECT_EQ(value.passive_opens, 1u);
  EXPECT_EQ(value.active_opens, 0u);
  EXPECT_EQ(value.established, 1u);
  EXPECT_EQ(value.bytes_received, kBytes + 1);  // payload and the FIN
}

}  // namespace
}  // namespace bpfwarden::testing
