#include "tests/metrics/metrics_fixture.h"

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/metrics/http_get.h"

namespace bpfwarden::testing {

absl::StatusOr<double> SampleValue(const std::string& text,
                                   const std::string& series) {
  const std::string head = series + " ";
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, head)) continue;
    double value = 0;
    if (!absl::SimpleAtod(line.substr(head.size()), &value)) {
      return absl::DataLossError(absl::StrCat("bad sample line: ", line));
    }
    return value;
  }
  return absl::NotFoundError(absl::StrCat("no sample ", series));
}

size_t CountSamples(const std::string& text, const std::string& name) {
  size_t n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, name + "{") ||
        absl::StartsWith(line, name + " ")) {
      ++n;
    }
  }
  return n;
}

void MetricsFixture::StartWithMetrics(const std::string& tag,
                                      const std::string& config) {
  extra_flags_.push_back("--metrics_address=127.0.0.1:0");
  if (fresh_scrapes_) extra_flags_.push_back("--metrics_min_interval=0");
  ASSERT_NO_FATAL_FAILURE(StartDaemonWithConfig(tag, config));
  if (HasFatalFailure()) return;
  const std::string log = daemon_->Log();
  const std::string kLine = "serving /metrics on 127.0.0.1:";
  const size_t at = log.find(kLine);
  ASSERT_NE(at, std::string::npos) << log;
  const std::string rest = log.substr(at + kLine.size());
  ASSERT_TRUE(absl::SimpleAtoi(rest.substr(0, rest.find_first_not_of(
                                                  "0123456789")),
                               &metrics_port_))
      << log;
}

absl::StatusOr<std::string> MetricsFixture::Scrape(
    const std::string& source) const {
  absl::StatusOr<HttpResponse> r = HttpGet(metrics_port_, "/metrics", source);
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return absl::InternalError(
        absl::StrCat("GET /metrics: HTTP ", r->status, ": ", r->body));
  }
  return r->body;
}

}  // namespace bpfwarden::testing
