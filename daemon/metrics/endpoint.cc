#include "daemon/metrics/endpoint.h"

#include "absl/time/clock.h"
#include "daemon/core/cgroup.h"

namespace bpfwarden::metrics {

std::string RenderMetrics(const EndpointSources& sources, uint64_t rendering) {
  const absl::Time start = absl::Now();
  DaemonSources daemon = sources.daemon;
  daemon.deadline = start + sources.budget;
  TextWriter out;
  EntryCounts entries;
  bool truncated = false;
  if (sources.map_metrics != nullptr) {
    std::string mount = sources.cgroup2_mount;
    if (mount.empty()) mount = FindCgroup2Mount().value_or("/sys/fs/cgroup");
    truncated = sources.map_metrics->Write(*daemon.warden, mount,
                                           daemon.deadline, out, entries);
  }
  truncated |= WriteDaemonMetrics(daemon, entries, out);
  if (sources.api != nullptr) sources.api->Write(out);
  if (sources.handles != nullptr) sources.handles->Write(out);
  out.Family("bpfwarden_metrics_renders_total",
             "Renderings of this text, this one included. Scrapes within "
             "--metrics_min_interval of a rendering's start get its text, so "
             "this grows by at most one per interval however many scrape.",
             "counter");
  out.Sample("bpfwarden_metrics_renders_total", {}, rendering);
  out.Family("bpfwarden_metrics_scrape_truncated",
             "1 when this rendering spent its time budget "
             "(--metrics_scrape_budget): map metrics and map entry counts not "
             "done by then are left out of it (their metrics' "
             "bpfwarden_map_metric_up is 0); 0 when nothing was left out.",
             "gauge");
  out.Sample("bpfwarden_metrics_scrape_truncated", {},
             uint64_t{truncated ? 1u : 0u});
  out.Family("bpfwarden_scrape_duration_seconds",
             "How long this scrape took to render, up to this line.", "gauge");
  out.Sample("bpfwarden_scrape_duration_seconds", {},
             absl::ToDoubleSeconds(absl::Now() - start));
  return out.Take();
}

}  // namespace bpfwarden::metrics
