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

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "daemon/base/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/metrics/metrics_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

constexpr uint32_t kEntries = 1000000;
constexpr uint32_t kMaxSeries = 5000;

struct FlowKey {
  uint32_t flow;
  uint16_t port;
  uint16_t pad;
};
struct FlowValue {
  uint64_t bytes;
  uint64_t packets;
  char name[8];
};

std::string FlowsConfig(const std::string& value) {
  return absl::StrCat(
      "program_sets { name: \"flows\" objects: \"",
      Runfile("tests/metrics/flows_map.bpf.o"),
      "\" pin_all_maps: true }\n"
      "metrics {\n"
      "  program_set: \"flows\" map: \"flows\"\n"
      "  name: \"flows_bytes_total\" type: COUNTER\n"
      "  value: \"",
      value,
      "\"\n"
      "  labels: [\"flow\", \"port\"]\n"
      "  max_series: ",
      kMaxSeries, "\n}\n");
}

// Flow i: port i % 50000, bytes i.
absl::Status Fill(int fd) {
  constexpr uint32_t kChunk = 65536;
  std::vector<FlowKey> keys(kChunk);
  std::vector<FlowValue> values(kChunk);
  for (uint32_t first = 0; first < kEntries; first += kChunk) {
    uint32_t n = std::min(kChunk, kEntries - first);
    for (uint32_t i = 0; i < n; ++i) {
      keys[i] = {first + i, static_cast<uint16_t>((first + i) % 50000), 0};
      values[i] = {first + i, 1, "flow"};
    }
    if (bpf_map_update_batch(fd, keys.data(), values.data(), &n, nullptr) !=
        0) {
      return absl::InternalError(absl::StrCat("update batch at ", first,
                                              ": errno ", errno));
    }
  }
  return absl::OkStatus();
}

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
  StartWithMetrics("metrics-1m", FlowsConfig("bytes"));
  ASSERT_FALSE(HasFatalFailure());
  const std::string pin = pins_->path() + "/flows/flows";
  UniqueFd map(bpf_obj_get(pin.c_str()));
  ASSERT_TRUE(map) << pin << ": errno " << errno;
  absl::Status filled = Fill(map.get());
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
  EXPECT_LT(best_scrape, 30.0);

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
  StartWithMetrics("metrics-nonnum", FlowsConfig("bytes"));
  ASSERT_FALSE(HasFatalFailure());
  absl::Status reload = daemon_->Reload(FlowsConfig("name"), "reload refused");
  ASSERT_TRUE(reload.ok()) << reload << daemon_->Log();
  EXPECT_THAT(daemon_->Log(),
              HasSubstr("metric \"flows_bytes_total\" (map flows/flows): value "
                        "field path \"name\" is a char_array, not a number"));
}

}  // namespace
}  // namespace bpfwarden::testing
