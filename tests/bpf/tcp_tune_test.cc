// tcp_tune on a real kernel: rules written into the LPM trie change the
// congestion control, initial RTO and initial receive window of loopback
// connections made from inside the test's cgroup, and the counters record
// each rule's matches.
#include "bpf/include/tcp_tune.h"

#include <bpf/bpf.h>

#include <cstring>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "tests/bpf/attached_object_test_base.h"
#include "tests/bpf/tcp_probe.h"
#include "tests/bpf/tune_rules.h"
#include "tests/testing/cgroup_call.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"

namespace bpfwarden::testing {
namespace {

class TcpTuneTest : public AttachedObjectTestBase {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    // Both programs, as the daemon runs them: tcp_stats enables its
    // callbacks on the same sockets and must not disturb tcp_tune.
    ASSERT_NO_FATAL_FAILURE(LoadAndAttach(
        CurrentTestTag(), {"tcp_stats_sockops", "tcp_tune_sockops"}));
    rules_fd_ = MapFd("tcp_tune_rules");
    counters_fd_ = MapFd("tcp_tune_counters");
    default_cc_ = DefaultCongestion();
    ASSERT_FALSE(default_cc_.empty());
  }

  void AddRule(const tcp_tune_key& key, const tcp_tune_rule& rule) {
    ASSERT_EQ(bpf_map_update_elem(rules_fd_, &key, &rule, BPF_ANY), 0)
        << std::strerror(errno);
  }
  void RemoveRule(const tcp_tune_key& key) {
    ASSERT_EQ(bpf_map_delete_elem(rules_fd_, &key), 0) << std::strerror(errno);
  }

  // The counters of `rule_id`; all zero when the rule never matched.
  tcp_tune_counters Counters(uint32_t rule_id) {
    tcp_tune_counter_key key{.rule_id = rule_id};
    tcp_tune_counters value{};
    if (bpf_map_lookup_elem(counters_fd_, &key, &value) != 0) {
      EXPECT_EQ(errno, ENOENT);
    }
    return value;
  }

  absl::StatusOr<ProbeResult> Probe(const ProbeSpec& spec) {
    return CallInCgroup<ProbeResult>(cgroup(),
                                     [&] { return ProbeConnection(spec); });
  }

  int rules_fd_ = -1;
  int counters_fd_ = -1;
  std::string default_cc_;
};

TEST_F(TcpTuneTest, Ipv4RuleSetsCongestionControlUntilRemoved) {
  const std::string cc = NonDefaultCongestion();
  const tcp_tune_key loopback8 = Ipv4Prefix("127.0.0.0", 8);
  AddRule(loopback8, Rule(7, cc));

  constexpr int kConnections = 3;
  for (int i = 0; i < kConnections; ++i) {
    auto probe = Probe(ProbeSpec{.family = AF_INET});
    ASSERT_TRUE(probe.ok()) << probe.status();
    // Seen by the connecting socket itself, and by the accepted one.
    EXPECT_STREQ(probe->client_congestion, cc.c_str());
    EXPECT_STREQ(probe->server_congestion, cc.c_str());
  }
  // Each loopback connection matches twice: its active and passive ends.
  tcp_tune_counters counters = Counters(7);
  EXPECT_EQ(counters.matched, 2u * kConnections);
  EXPECT_EQ(counters.congestion_set, 2u * kConnections);
  EXPECT_EQ(counters.congestion_failed, 0u);
  EXPECT_EQ(counters.rto_replies, 0u);  // the rule leaves them default
  EXPECT_EQ(counters.rwnd_replies, 0u);

  RemoveRule(loopback8);
  auto probe = Probe(ProbeSpec{.family = AF_INET});
  ASSERT_TRUE(probe.ok()) << probe.status();
  EXPECT_EQ(probe->client_congestion, default_cc_);
  EXPECT_EQ(probe->server_congestion, default_cc_);
  EXPECT_EQ(Counters(7).matched, 2u * kConnections);  // unchanged
}

TEST_F(TcpTuneTest, Ipv6RuleForLoopbackLeavesIpv4Alone) {
  const std::string cc = NonDefaultCongestion();
  AddRule(Ipv6Prefix("::1", 128), Rule(61, cc));

  auto v6 = Probe(ProbeSpec{.family = AF_INET6});
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_STREQ(v6->client_congestion, cc.c_str());
  EXPECT_STREQ(v6->server_congestion, cc.c_str());
  auto v4 = Probe(ProbeSpec{.family = AF_INET});
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->client_congestion, default_cc_);
  EXPECT_EQ(Counters(61).matched, 2u);
  EXPECT_EQ(Counters(61).congestion_set, 2u);
}

TEST_F(TcpTuneTest, LongestPrefixWins) {
  const std::string cc = NonDefaultCongestion();
  AddRule(Ipv4Prefix("127.0.0.0", 8), Rule(1, cc));
  AddRule(Ipv4Prefix("127.0.0.1", 32), Rule(2, default_cc_));
  auto probe = Probe(ProbeSpec{.family = AF_INET});
  ASSERT_TRUE(probe.ok()) << probe.status();
  EXPECT_EQ(probe->client_congestion, default_cc_);
  EXPECT_EQ(Counters(1).matched, 0u);
  EXPECT_EQ(Counters(2).matched, 2u);
}

TEST_F(TcpTuneTest, UnknownCongestionControlIsCountedAsFailed) {
  AddRule(Ipv4Prefix("127.0.0.0", 8), Rule(9, "no-such-cc"));
  auto probe = Probe(ProbeSpec{.family = AF_INET});
  ASSERT_TRUE(probe.ok()) << probe.status();
  EXPECT_EQ(probe->client_congestion, default_cc_);
  tcp_tune_counters counters = Counters(9);
  EXPECT_EQ(counters.matched, 2u);
  EXPECT_EQ(counters.congestion_set, 0u);
  EXPECT_EQ(counters.congestion_failed, 2u);
}

// The initial RTO shows on a connecting socket whose SYN went unanswered:
// TCP_INFO's tcpi_rto (microseconds) is the rule's, converted through
// jiffies; without the rule it is the kernel's 1 s.
TEST_F(TcpTuneTest, InitialRtoOfAnUnansweredSyn) {
  auto hz = KernelHz();
  ASSERT_TRUE(hz.ok()) << hz.status();
  auto syn_sent = [&] {
    return CallInCgroup<tcp_info>(cgroup(),
                                  [] { return ProbeSynSent(AF_INET); });
  };
  auto plain = syn_sent();
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->tcpi_rto, 1000000u);

  constexpr uint32_t kRtoMs = 3000;
  const tcp_tune_key key = Ipv4Prefix("127.0.0.0", 8);
  AddRule(key, Rule(3, "", kRtoMs));
  auto tuned = syn_sent();
  ASSERT_TRUE(tuned.ok()) << tuned.status();
  const uint64_t jiffies = (uint64_t{kRtoMs} * *hz + 999) / 1000;
  EXPECT_EQ(tuned->tcpi_rto, jiffies * 1000000 / *hz);
  // The first connection of the probe completes: its SYN (active side) and
  // SYN-ACK (passive side) asked; the probe's dropped SYN asked once more.
  tcp_tune_counters counters = Counters(3);
  EXPECT_EQ(counters.rto_replies, 3u);
  EXPECT_EQ(counters.matched, 2u);  // only the first connection established
  EXPECT_EQ(counters.congestion_set + counters.congestion_failed, 0u);
}

// A connecting socket searches the rules once, at connect(2), and keeps
// what it found: a rule removed while its SYN waits for an answer still
// applies to it once established, while the accepting end, which searches
// when it is established, finds none.
TEST_F(TcpTuneTest, ConnectingSocketKeepsTheRuleFoundAtConnect) {
  const std::string cc = NonDefaultCongestion();
  const tcp_tune_key key = Ipv4Prefix("127.0.0.0", 8);
  // No RTO: the kernel asks for it again whenever the dropped SYN's
  // retransmission timer fires, as often as scheduling decides.
  AddRule(key, Rule(11, cc));
  const int rules_fd = rules_fd_;
  auto delayed = CallInCgroup<DelayedConnectResult>(cgroup(), [&] {
    return ProbeDelayedConnect(AF_INET, [&]() -> absl::Status {
      if (bpf_map_delete_elem(rules_fd, &key) != 0) {
        return absl::InternalError("cannot remove the rule");
      }
      return absl::OkStatus();
    });
  });
  ASSERT_TRUE(delayed.ok()) << delayed.status();
  EXPECT_EQ(delayed->client_congestion, cc);
  EXPECT_EQ(delayed->server_congestion, default_cc_);
  // The connection that filled the queue matched on both ends, the delayed
  // one on its connecting end only.
  tcp_tune_counters counters = Counters(11);
  EXPECT_EQ(counters.matched, 3u);
  EXPECT_EQ(counters.congestion_set, 3u);
}

// The initial receive window caps what the connecting socket advertises
// first: with an MSS of 1000 and a 4-segment rule, 4000 bytes.
TEST_F(TcpTuneTest, InitialReceiveWindow) {
  constexpr int kMss = 1000;
  constexpr uint32_t kSegments = 4;
  auto plain = Probe(ProbeSpec{.family = AF_INET, .client_mss = kMss});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_GT(plain->client_info_established.tcpi_rcv_space, kSegments * kMss);

  AddRule(Ipv4Prefix("127.0.0.0", 8), Rule(4, "", 0, kSegments));
  auto tuned = Probe(ProbeSpec{.family = AF_INET, .client_mss = kMss});
  ASSERT_TRUE(tuned.ok()) << tuned.status();
  EXPECT_EQ(tuned->client_info_established.tcpi_rcv_space, kSegments * kMss);
  // Asked once by the connecting socket, once for the listener's reply.
  EXPECT_EQ(Counters(4).rwnd_replies, 2u);
}

}  // namespace
}  // namespace bpfwarden::testing
