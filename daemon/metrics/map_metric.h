// One configured map metric (v1::MapMetric), compiled against the map's
// BTF layouts, and its collection: one dump of the map per scrape, entries
// with equal labels summed, per-CPU values summed, at most max_series
// series (series_cap.h), labels rendered by the map's key codec.
#ifndef BPFWARDEN_DAEMON_METRICS_MAP_METRIC_H_
#define BPFWARDEN_DAEMON_METRICS_MAP_METRIC_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/maps/typed_map.h"
#include "daemon/metrics/cgroup_names.h"
#include "daemon/metrics/field_path.h"
#include "daemon/metrics/text_format.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden::metrics {

inline constexpr size_t kDefaultMaxSeries = 10000;

struct CompiledMetric {
  v1::MapMetric spec;
  FieldRef value;
  std::vector<FieldRef> labels;
  std::vector<std::string> label_names;
  // Per label: DECODING_UNSPECIFIED when shown as the codec shows it.
  std::vector<v1::LabelDecoder::Decoding> decoders;
  size_t max_series = kDefaultMaxSeries;
};

// What the spec says by itself (name, type, paths given, decoders naming
// labels). InvalidArgument beginning with `metric "<name>"`.
absl::Status CheckSpec(const v1::MapMetric& spec);

// CheckSpec, then the paths against `map`'s key and value layouts: a path
// that does not exist, a value field that is not a number, a label that is
// not a scalar, or a decoded label that is not an integer of 8 bytes at
// most is InvalidArgument naming the metric and the path.
absl::StatusOr<CompiledMetric> CompileMetric(const v1::MapMetric& spec,
                                             const TypedMap& map);

struct CollectStats {
  size_t entries = 0;  // entries read from the map
  size_t series = 0;   // written
  size_t dropped = 0;  // cut by max_series
};

// Dumps `map` and writes the metric's family to `out`. `cgroups` is
// needed only when a label is decoded (may be null otherwise). A dump not
// done by `deadline` writes nothing and is DeadlineExceeded (map_pages.h).
absl::StatusOr<CollectStats> CollectMetric(const CompiledMetric& metric,
                                           const TypedMap& map,
                                           const CgroupNames* cgroups,
                                           absl::Time deadline,
                                           TextWriter& out);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_MAP_METRIC_H_
