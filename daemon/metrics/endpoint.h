// One rendering of /metrics: the configured map metrics, the daemon's own
// metrics and the API's counters, as Prometheus text. Reads the core
// through its queries (ListSets, ListMaps, OpenMap); holds no lock of the
// map data path while it dumps, and stops dumping when its time budget is
// spent.
#ifndef BPFWARDEN_DAEMON_METRICS_ENDPOINT_H_
#define BPFWARDEN_DAEMON_METRICS_ENDPOINT_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "daemon/metrics/api_stats.h"
#include "daemon/metrics/daemon_metrics.h"
#include "daemon/metrics/handle_stats.h"
#include "daemon/metrics/map_metrics.h"

namespace bpfwarden::metrics {

inline constexpr absl::Duration kDefaultScrapeBudget = absl::Seconds(2);

struct EndpointSources {
  DaemonSources daemon;  // the core, the log hub, the version
  const ApiStats* api = nullptr;  // may be null
  const HandleStats* handles = nullptr;  // may be null
  MapMetrics* map_metrics = nullptr;
  std::string cgroup2_mount;  // empty: found from /proc/mounts
  // Map dumps and the cgroup walk not done this long after the rendering
  // began are left out (bpfwarden_metrics_scrape_truncated 1).
  absl::Duration budget = kDefaultScrapeBudget;
};

// The text of the `rendering`-th rendering (bpfwarden_metrics_renders_total).
std::string RenderMetrics(const EndpointSources& sources, uint64_t rendering);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_ENDPOINT_H_
