#include "daemon/metrics/metrics_service.h"

#include <utility>

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

absl::Status MetricsService::Listen(const std::string& address) {
  absl::StatusOr<std::unique_ptr<HttpServer>> http =
      HttpServer::Start(address, [this] { return Render(); });
  if (!http.ok()) return http.status();
  http_ = *std::move(http);
  return absl::OkStatus();
}

std::string MetricsService::Render() { return RenderMetrics(sources_); }

}  // namespace bpfwarden::metrics
