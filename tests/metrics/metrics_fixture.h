// The metrics tests' fixture: an API test daemon (tests/api ApiFixture)
// started with --metrics_address=127.0.0.1:0, and scrapes of its /metrics.
#ifndef BPFWARDEN_TESTS_METRICS_METRICS_FIXTURE_H_
#define BPFWARDEN_TESTS_METRICS_METRICS_FIXTURE_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/api/api_fixture.h"

namespace bpfwarden::testing {

// The sample value of the one line of `text` that starts with `series`
// followed by a space (e.g. `x_total{a="1"}`); NotFound when none.
absl::StatusOr<double> SampleValue(const std::string& text,
                                   const std::string& series);
// How many sample lines of `text` belong to metric `name`.
size_t CountSamples(const std::string& text, const std::string& name);

class MetricsFixture : public ApiFixture {
 protected:
  // StartDaemonWithConfig with the metrics listener on a free port, found
  // from the daemon's log.
  void StartWithMetrics(const std::string& tag, const std::string& config);
  // GET /metrics from `source` (an address in 127.0.0.0/8); the body of a
  // 200, an error otherwise.
  absl::StatusOr<std::string> Scrape(
      const std::string& source = "127.0.0.1") const;

  int metrics_port_ = 0;
  // Every scrape renders afresh (--metrics_min_interval=0), for tests that
  // watch a value change; false keeps the daemon's default interval.
  bool fresh_scrapes_ = true;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_METRICS_METRICS_FIXTURE_H_
