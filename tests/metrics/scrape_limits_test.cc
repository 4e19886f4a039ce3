// What a scrape may cost the daemon, against the real daemon: scrapes
// inside --metrics_min_interval share one rendering (one dump of the
// maps); a rendering stops dumping at --metrics_scrape_budget and says so;
// one client address holds at most --metrics_max_connections_per_ip
// connections while other addresses still scrape.
#include <bpf/bpf.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstdio>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "daemon/base/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/metrics/flows.h"
#include "tests/metrics/http_get.h"
#include "tests/metrics/metrics_fixture.h"
#include "tests/metrics/prometheus_server.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/scoped_pin_dir.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

constexpr char kRenders[] = "bpfwarden_metrics_renders_total";
constexpr char kTruncated[] = "bpfwarden_metrics_scrape_truncated";
constexpr char kLookups[] =
    "bpfwarden_api_calls_total{method=\"Maps.Lookup\",code=\"NOT_FOUND\"}";

class ScrapeLimitsTest : public MetricsFixture {};

TEST_F(ScrapeLimitsTest, ScrapesWithinTheMinimumIntervalShareOneRendering) {
  BPFWARDEN_REQUIRE_KERNEL();
  fresh_scrapes_ = false;  // the default interval: 5 s
  StartWithMetrics("metrics-cache", ConfigWithPolicy(""));
  ASSERT_FALSE(HasFatalFailure());
  const absl::Time before = absl::Now();
  absl::StatusOr<std::string> first = Scrape();
  const absl::Time first_done = absl::Now();
  absl::StatusOr<std::string> second = Scrape();
  // A call the API counts, made after the first rendering.
  std::string value;
  EXPECT_FALSE(Lookup("no_such_map", "{}", &value).ok());
  absl::StatusOr<std::string> third = Scrape();
  const absl::Duration took = absl::Now() - before;
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(third.ok()) << third.status();
  ASSERT_LT(took, absl::Seconds(5))
      << "three scrapes and a lookup took " << took
      << ": too slow to stay inside the interval";
  EXPECT_EQ(SampleValue(*first, kRenders).value_or(-1), 1) << *first;
  EXPECT_EQ(SampleValue(*first, kTruncated).value_or(-1), 0);
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(*third, *first);
  EXPECT_FALSE(SampleValue(*third, kLookups).ok());

  // After the interval: rendered again, once (the two scrapes between
  // rendered nothing), and the lookup is counted. Letting the interval pass
  // is the behaviour under test, so this sleep stays.
  absl::SleepFor(first_done + absl::Seconds(5) + absl::Milliseconds(100) -
                 absl::Now());
  absl::StatusOr<std::string> fresh = Scrape();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_NE(*fresh, *first);
  EXPECT_EQ(SampleValue(*fresh, kRenders).value_or(-1), 2) << *fresh;
  EXPECT_EQ(SampleValue(*fresh, kLookups).value_or(-1), 1) << *fresh;
}

// Whether `fd`'s peer has closed it (or reset it), waiting up to `seconds`.
bool PeerClosed(int fd, int seconds) {
  timeval timeout{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

// Nothing to read and no hang-up on `fd` now.
bool StillOpen(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) == 0;
}

TEST_F(ScrapeLimitsTest, OneAddressHoldsAtMostItsConnections) {
  BPFWARDEN_REQUIRE_KERNEL();
  fresh_scrapes_ = false;
  StartWithMetrics("metrics-per-ip", ConfigWithPolicy(""));
  ASSERT_FALSE(HasFatalFailure());
  constexpr int kPerAddress = 4;  // --metrics_max_connections_per_ip
  std::vector<UniqueFd> held;
  for (int i = 0; i < kPerAddress; ++i) {
    absl::StatusOr<UniqueFd> c = ConnectFrom("127.0.0.1", metrics_port_);
    ASSERT_TRUE(c.ok()) << c.status();
    held.push_back(*std::move(c));
  }
  // A scrape from another address is served after the listener has taken
  // the connections above (it accepts in order).
  absl::StatusOr<std::string> other = Scrape("127.0.0.2");
  ASSERT_TRUE(other.ok()) << other.status();

  absl::StatusOr<UniqueFd> extra = ConnectFrom("127.0.0.1", metrics_port_);
  ASSERT_TRUE(extra.ok()) << extra.status();
  EXPECT_TRUE(PeerClosed(extra->get(), 10))
      << "connection " << kPerAddress + 1 << " from 127.0.0.1 was kept";
  for (const UniqueFd& fd : held) EXPECT_TRUE(StillOpen(fd.get()));
  EXPECT_FALSE(Scrape("127.0.0.1").ok());
  other = Scrape("127.0.0.2");
  EXPECT_TRUE(other.ok()) << other.status();

  held.clear();
  EXPECT_TRUE(WaitFor([&] { return Scrape("127.0.0.1").ok(); }, 10, 100))
      << "127.0.0.1 still refused after closing its connections";
}

TEST_F(ScrapeLimitsTest, MapMetricsNotDoneWithinTheBudgetAreLeftOut) {
  BPFWARDEN_REQUIRE_KERNEL();
  extra_flags_.push_back("--metrics_scrape_budget=1ms");
  StartWithMetrics("metrics-budget", FlowsConfig("bytes", 1000));
  ASSERT_FALSE(HasFatalFailure());
  const std::string pin = pins_->path() + "/flows/flows";
  UniqueFd map(bpf_obj_get(pin.c_str()));
  ASSERT_TRUE(map) << pin << ": errno " << errno;
  // 49 pages of the dump: far more than 1 ms of work.
  absl::Status filled = FillFlows(map.get(), 200000);
  ASSERT_TRUE(filled.ok()) << filled;

  absl::StatusOr<std::string> text = Scrape();
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(SampleValue(*text, kTruncated).value_or(-1), 1) << *text;
  EXPECT_EQ(CountSamples(*text, "flows_bytes_total"), 0u) << *text;
  EXPECT_EQ(SampleValue(*text,
                        "bpfwarden_map_metric_up{metric=\""
                        "flows_bytes_total\"}")
                .value_or(-1),
            0);
  // Nor is the map dumped again for its entry count.
  EXPECT_FALSE(SampleValue(*text,
                           "bpfwarden_map_entries{program_set=\"flows\","
                           "map=\"flows\"}")
                   .ok());
  // The cheap families are all there.
  EXPECT_TRUE(SampleValue(*text,
                          "bpfwarden_map_max_entries{program_set=\""
                          "flows\",map=\"flows\",type=\"hash\"}")
                  .ok())
      << *text;
  absl::StatusOr<double> took =
      SampleValue(*text, "bpfwarden_scrape_duration_seconds");
  ASSERT_TRUE(took.ok()) << took.status();
  std::printf("a scrape cut by a budget of 1 ms took %.4f s\n", *took);
  absl::Status checked = PromtoolCheckMetrics(*text);
  EXPECT_TRUE(checked.ok()) << checked << "\n" << *text;
}

// Limits that would leave the listener unbounded or useless stop the start.
TEST(ScrapeLimitsFlagsTest, LimitsThatCannotWorkAreRefusedAtStart) {
  BPFWARDEN_REQUIRE_KERNEL();
  const std::pair<const char*, const char*> kCases[] = {
      {"--metrics_scrape_budget=0", "scrape budget must be positive"},
      {"--metrics_min_interval=-1s", "minimum interval must not be negative"},
      {"--metrics_max_connections_per_ip=0", "must be at least 1"},
      {"--metrics_max_connections=0", "must be at least 1"},
  };
  for (const auto& [flag, why] : kCases) {
    auto pins = ScopedPinDir::Create("metrics-flags");
    ASSERT_TRUE(pins.ok()) << pins.status();
    auto work = ScopedTempDir::Create("metrics-flags");
    ASSERT_TRUE(work.ok()) << work.status();
    DaemonOptions options;
    options.pin_root = pins->path();
    options.work_dir = work->path();
    options.extra_flags = {"--metrics_address=127.0.0.1:0", flag};
    absl::StatusOr<std::unique_ptr<ApiDaemon>> daemon =
        ApiDaemon::Start(options);
    ASSERT_FALSE(daemon.ok()) << flag << " was taken";
    EXPECT_THAT(daemon.status().message(), ::testing::HasSubstr(why)) << flag;
  }
}

}  // namespace
}  // namespace bpfwarden::testing
