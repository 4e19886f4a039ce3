#include "daemon/metrics/series_cap.h"

#include <algorithm>

namespace bpfwarden::metrics {

size_t CapSeries(std::vector<Series>& series, size_t max_series) {
  size_t dropped = 0;
  if (series.size() > max_series) {
    auto first = [](const Series& a, const Series& b) {
      if (a.value != b.value) return a.value > b.value;
      return a.key < b.key;
    };
    std::nth_element(series.begin(), series.begin() + max_series, series.end(),
                     first);
    dropped = series.size() - max_series;
    series.resize(max_series);
  }
  std::sort(series.begin(), series.end(),
            [](const Series& a, const Series& b) { return a.key < b.key; });
  return dropped;
}

}  // namespace bpfwarden::metrics
