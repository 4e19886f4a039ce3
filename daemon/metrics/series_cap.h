// The cardinality bound of a map metric: at most max_series series per
// scrape, whatever the map holds.
#ifndef BPFWARDEN_DAEMON_METRICS_SERIES_CAP_H_
#define BPFWARDEN_DAEMON_METRICS_SERIES_CAP_H_

#include <cstddef>
#include <string>
#include <vector>

namespace bpfwarden::metrics {

struct Series {
  std::string key;  // the label fields' bytes (the series' identity)
  double value = 0;
};

// The rule: when `series` holds more than `max_series`, the `max_series`
// with the largest values are kept (equal values: the smaller key bytes
// first, so the cut is the same from scrape to scrape) and the rest are
// dropped. The kept series are left sorted by key. Returns how many were
// dropped. O(n + k log k).
size_t CapSeries(std::vector<Series>& series, size_t max_series);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_SERIES_CAP_H_
