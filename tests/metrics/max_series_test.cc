// A map of a million entries scraped with max_series: 5000: exactly 5000
// series come back, the ones the stated rule keeps (the largest values),
// the rest are counted as dropped; the scrape's time is measured beside
// `bpftool map dump` of the same map, in the same run. Also: a value field
// that is not a number is refused, naming the path.
#include <bpf/bpf.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "daemon/base/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/metrics/flows.h"
#include "tests/metrics/metrics_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/time_scale.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

constexpr uint32_t kEntries = 1000000;
constexpr uint32_t kMaxSeries = 5000;

// Seconds `bpftool map dump pinned <path>` takes, its output discarded.
absl::StatusOr<double> TimeBpftoolDump(const std::string& path) {
  const absl::Time start = absl::Now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    ::execlp("bpftool", "bpftool", "map", "dump", "pinned", path.c_str(),
             nullptr);
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("bpftool status ", status));
  }
  return absl::ToDoubleSeconds(absl::Now() - start);
}

class MaxSeriesTest : public MetricsFixture {};

TEST_F(MaxSeriesTest, AMillionEntriesGiveExactlyMaxSeries) {
  BPFWARDEN_REQUIRE_KERNEL();
  // A whole dump of a million entries takes longer than the default
  // budget of a scrape in an unoptimized build.
  extra_flags_.push_back(
      absl::StrCat("--metrics_scrape_budget=", Scaled(60), "s"));
  StartWithMetrics("metrics-1m", FlowsConfig("bytes", kMaxSeries));
  ASSERT_FALSE(HasFatalFailure());
  const std::string pin = pins_->path() + "/flows/flows";
  UniqueFd map(bpf_obj_get(pin.c_str()));
  ASSERT_TRUE(map) << pin << ": errno " << errno;
  absl::Status filled = FillFlows(map.get(), kEntries);
  ASSERT_TRUE(filled.ok()) << filled;

  double best_scrape = 1e9, best_bpftool = 1e9;
  std::string text;
  for (int round = 0; round < 3; ++round) {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::string> scraped = Scrape();
    best_scrape = std::min(best_scrape,
                           absl::ToDoubleSeconds(absl::Now() - start));
    ASSERT_TRUE(scraped.ok()) << scraped.status();
    text = *std::move(scraped);
    absl::StatusOr<double> bpftool = TimeBpftoolDump(pin);
    ASSERT_TRUE(bpftool.ok()) << bpftool.status();
    best_bpftool = std::min(best_bpftool, *bpftool);
  }
  std::printf(
      "scrape of %u entries (max_series %u): %.3f s; bpftool map dump of the "
      "same map: %.3f s; ratio scrape/bpftool %.3f (best of 3 each)\n",
      kEntries, kMaxSeries, best_scrape, best_bpftool,
      best_scrape / best_bpftool);
  EXPECT_LT(best_scrape, Scaled(30.0));  // promptly: scaled under emulation

  EXPECT_EQ(
      SampleValue(text, "bpfwarden_metrics_scrape_truncated").value_or(-1), 0);
  EXPECT_EQ(CountSamples(text, "flows_bytes_total"), kMaxSeries);
  const std::string metric = "{metric=\"flows_bytes_total\"}";
  EXPECT_EQ(SampleValue(text, "bpfwarden_map_metric_series" + metric).value_or(-1),
            kMaxSeries);
  EXPECT_EQ(SampleValue(text, "bpfwarden_map_metric_series_dropped" + metric)
                .value_or(-1),
            kEntries - kMaxSeries);
  EXPECT_EQ(SampleValue(text, "bpfwarden_map_entries{program_set=\"flows\","
                              "map=\"flows\"}")
                .value_or(-1),
            kEntries);
  // The rule: the largest values are kept; here flows 995000..999999.
  double lowest = 1e18, highest = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, "flows_bytes_total{")) continue;
    double v = 0;
    ASSERT_TRUE(absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &v));
    lowest = std::min(lowest, v);
    highest = std::max(highest, v);
  }
  EXPECT_EQ(lowest, kEntries - kMaxSeries);
  EXPECT_EQ(highest, kEntries - 1);
  EXPECT_THAT(text, HasSubstr("flows_bytes_total{flow=\"999999\",port=\"49999\"}"
                              " 999999\n"));
}

TEST_F(MaxSeriesTest, ANonNumericValueFieldIsRefused) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartWithMetrics("metrics-nonnum", FlowsConfig("bytes", kMaxSeries));
  ASSERT_FALSE(HasFatalFailure());
  absl::Status reload =
      daemon_->Reload(FlowsConfig("name", kMaxSeries), "reload refused");
  ASSERT_TRUE(reload.ok()) << reload << daemon_->Log();
  EXPECT_THAT(daemon_->Log(),
              HasSubstr("metric \"flows_bytes_total\" (map flows/flows): value "
                        "field path \"name\" is a char_array, not a number"));
}

}  // namespace
}  // namespace bpfwarden::testing
