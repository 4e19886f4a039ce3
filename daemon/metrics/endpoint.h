// One scrape of /metrics: the configured map metrics, the daemon's own
// metrics and the API's counters, as Prometheus text. Reads the core
// through its queries (ListSets, ListMaps, OpenMap); holds no lock of the
// map data path while it dumps.
#ifndef BPFWARDEN_DAEMON_METRICS_ENDPOINT_H_
#define BPFWARDEN_DAEMON_METRICS_ENDPOINT_H_

#include <string>

#include "daemon/metrics/api_stats.h"
#include "daemon/metrics/daemon_metrics.h"
#include "daemon/metrics/map_metrics.h"

namespace bpfwarden::metrics {

struct EndpointSources {
  DaemonSources daemon;  // the core, the log hub, the version
  const ApiStats* api = nullptr;  // may be null
  MapMetrics* map_metrics = nullptr;
  std::string cgroup2_mount;  // empty: found from /proc/mounts
};

std::string RenderMetrics(const EndpointSources& sources);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_ENDPOINT_H_
