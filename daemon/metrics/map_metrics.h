// The configured map metrics: checked against the loaded maps when the
// configuration is loaded (and at SIGHUP), collected at each scrape.
#ifndef BPFWARDEN_DAEMON_METRICS_MAP_METRICS_H_
#define BPFWARDEN_DAEMON_METRICS_MAP_METRICS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/core/warden.h"
#include "daemon/metrics/text_format.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden::metrics {

using MapMetricSpecs = google::protobuf::RepeatedPtrField<v1::MapMetric>;

// Entries counted per map during a scrape ("set/map" -> entries), so a map
// with a metric is not dumped a second time for its entry count.
using EntryCounts = std::map<std::string, uint64_t>;

class MapMetrics {
 public:
  // Every metric compiled against the maps `warden` has loaded now: the
  // first error names the metric and the path (an unknown set or map is
  // NotFound). Metric names must be distinct.
  static absl::Status Check(const MapMetricSpecs& specs, const Warden& warden);

  // Replaces the metrics (Check them first).
  void Set(const MapMetricSpecs& specs) ABSL_LOCKS_EXCLUDED(mu_);

  // Each metric's family, then bpfwarden_map_metric_series,
  // bpfwarden_map_metric_series_dropped(_total) and
  // bpfwarden_map_metric_up. A metric whose map cannot be read now (its set
  // unloaded, its layout changed) is up 0, its error logged once; so is a
  // metric whose dump (or the cgroup walk its decoders need) is not done by
  // `deadline`, which is left out: then Write returns true (truncated).
  bool Write(const Warden& warden, const std::string& cgroup2_mount,
             absl::Time deadline, TextWriter& out, EntryCounts& entries)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const std::vector<v1::MapMetric>> specs_ ABSL_GUARDED_BY(mu_) =
      std::make_shared<const std::vector<v1::MapMetric>>();
  // Scrapes are serialized (one HTTP thread); these are theirs.
  std::map<std::string, uint64_t> dropped_total_;
  std::map<std::string, std::string> last_error_;
};

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_MAP_METRICS_H_
