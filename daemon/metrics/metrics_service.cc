#include "daemon/metrics/metrics_service.h"

#include <utility>

#include "daemon/base/log.h"
#include "daemon/metrics/map_metric.h"

namespace bpfwarden::metrics {

MetricsService::MetricsService(const Warden* warden, const BpfLogHub* logs,
                               std::string version,
                               const std::vector<std::string>& api_methods)
    : api_(api_methods) {
  sources_.daemon.warden = warden;
  sources_.daemon.logs = logs;
  sources_.daemon.version = std::move(version);
  sources_.api = &api_;
  sources_.handles = &handles_;
  sources_.map_metrics = &maps_;
  sources_.cgroup2_mount = warden->options().cgroup2_mount;
}

MetricsService::~MetricsService() { http_.reset(); }

absl::Status MetricsService::Configure(const v1::Config& config) {
  if (absl::Status s = MapMetrics::Check(config.metrics(), *sources_.daemon.warden);
      !s.ok()) {
    return s;
  }
  maps_.Set(config.metrics());
  return absl::OkStatus();
}

absl::Status MetricsService::CheckReload(const v1::Config& config) const {
  MapMetricSpecs loaded_now;
  for (const v1::MapMetric& spec : config.metrics()) {
    if (absl::Status s = CheckSpec(spec); !s.ok()) return s;
    if (sources_.daemon.warden->GetSet(spec.program_set()).ok()) {
      *loaded_now.Add() = spec;
    }
  }
  return MapMetrics::Check(loaded_now, *sources_.daemon.warden);
}

absl::Status MetricsService::ApplyReload(const v1::Config& config) {
  return Configure(config);
}

absl::Status MetricsService::Listen(const std::string& address,
                                    const ListenOptions& options) {
  if (options.min_interval < absl::ZeroDuration() ||
      options.budget <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "metrics: the minimum interval must not be negative and the scrape "
        "budget must be positive");
  }
  sources_.budget = options.budget;
  cache_ = std::make_unique<ScrapeCache>(
      options.min_interval, [this](uint64_t rendering) {
        return RenderMetrics(sources_, rendering);
      });
  absl::StatusOr<std::unique_ptr<HttpServer>> http =
      HttpServer::Start(address, options.http, [this] { return Scrape(); });
  if (!http.ok()) return http.status();
  http_ = *std::move(http);
  if (!http_->loopback()) {
    BPFWARDEN_LOG(WARNING)
        << "metrics: /metrics on " << address
        << " is not on loopback: whoever reaches it reads the map metrics "
           "(map contents) without the API's policy; restrict it (firewall, "
           "NetworkPolicy)";
  }
  return absl::OkStatus();
}

std::string MetricsService::Scrape() { return cache_->Get(); }

}  // namespace bpfwarden::metrics
