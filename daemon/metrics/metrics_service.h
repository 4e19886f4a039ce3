// The metrics adapter as main wires it: the API's counters, the configured
// map metrics (checked at start and at each SIGHUP), and the /metrics
// listener when an address is given.
#ifndef BPFWARDEN_DAEMON_METRICS_METRICS_SERVICE_H_
#define BPFWARDEN_DAEMON_METRICS_METRICS_SERVICE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/core/bpf_log_hub.h"
#include "daemon/core/warden.h"
#include "daemon/metrics/api_stats.h"
#include "daemon/metrics/handle_stats.h"
#include "daemon/metrics/endpoint.h"
#include "daemon/metrics/http_server.h"
#include "daemon/metrics/map_metrics.h"
#include "daemon/metrics/scrape_cache.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden::metrics {

// What a scrape may cost (main's --metrics_* flags).
struct ListenOptions {
  HttpLimits http;
  // Scrapes within this long of a rendering's start get its text; 0: each
  // scrape renders.
  absl::Duration min_interval = absl::Seconds(5);
  // A rendering's time for map dumps and the cgroup walk (endpoint.h).
  absl::Duration budget = kDefaultScrapeBudget;
};

class MetricsService {
 public:
  // `api_methods`: the API's full method names (api::ApiMethodNames()).
  MetricsService(const Warden* warden, const BpfLogHub* logs,
                 std::string version,
                 const std::vector<std::string>& api_methods);
  // Stops the listener first: it reads the rest.
  ~MetricsService();

  ApiStats* api_stats() { return &api_; }
  HandleStats* handle_stats() { return &handles_; }

  // At start, once the config's sets are loaded: the config's metrics,
  // checked against the loaded maps (MapMetrics::Check), become the ones
  // served. On error nothing is served and the error names the metric and
  // the field path.
  absl::Status Configure(const v1::Config& config);

  // SIGHUP, before anything changes: the new config's metrics, checked
  // against the maps loaded now. A metric of a set not loaded now is
  // checked by itself here and against its map by ApplyReload.
  absl::Status CheckReload(const v1::Config& config) const;
  // SIGHUP, after the sets were reconciled: Configure; on error the running
  // metrics stay.
  absl::Status ApplyReload(const v1::Config& config);

  // Serves /metrics on `address` (host:port; port 0 picks one). Call once.
  // InvalidArgument for a negative interval or a budget that is not
  // positive. A listener on an address that is not loopback is logged as
  // a warning: map metrics show map contents to whoever reaches it, with no
  // policy (docs/security.md, "The metrics listener").
  absl::Status Listen(const std::string& address,
                      const ListenOptions& options = {});
  int port() const { return http_ != nullptr ? http_->port() : 0; }

  // One scrape's text (what GET /metrics answers), after Listen: the
  // cached rendering while it is younger than the interval, else a new one.
  std::string Scrape();

 private:
  EndpointSources sources_;
  ApiStats api_;
  HandleStats handles_;
  MapMetrics maps_;
  std::unique_ptr<ScrapeCache> cache_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_METRICS_SERVICE_H_
