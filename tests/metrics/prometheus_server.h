// A real Prometheus (Debian's /usr/bin/prometheus) run by a test: on a free
// loopback port, with its own temporary data directory and a scrape config
// pointing at the daemon's /metrics; stopped (SIGTERM, then SIGKILL) and
// its directory removed when the object goes, also when the test fails.
// It dies with the test process (PR_SET_PDEATHSIG).
#ifndef BPFWARDEN_TESTS_METRICS_PROMETHEUS_SERVER_H_
#define BPFWARDEN_TESTS_METRICS_PROMETHEUS_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tests/testing/scoped_temp_dir.h"

namespace bpfwarden::testing {

inline constexpr char kPrometheusBinary[] = "/usr/bin/prometheus";
inline constexpr char kPromtoolBinary[] = "/usr/bin/promtool";

class PrometheusServer {
 public:
  // Scrapes 127.0.0.1:<target_port>/metrics every second; waits (up to
  // 60 s) until Prometheus says it is ready. The error carries its log.
  static absl::StatusOr<std::unique_ptr<PrometheusServer>> Start(
      int target_port);
  ~PrometheusServer();

  int port() const { return port_; }
  // GET /api/v1/query?query=<expr>: data.result, or the error Prometheus
  // gave.
  absl::StatusOr<nlohmann::json> Query(const std::string& expr) const;
  std::string Log() const;

 private:
  PrometheusServer(ScopedTempDir dir) : dir_(std::move(dir)) {}
  absl::Status Spawn(int port);
  absl::Status WaitReady();
  void Stop();

  ScopedTempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Runs `promtool check metrics` on `text`: OK, or its complaints.
absl::Status PromtoolCheckMetrics(const std::string& text);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_METRICS_PROMETHEUS_SERVER_H_
