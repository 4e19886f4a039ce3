#include "daemon/metrics/endpoint.h"

#include "absl/time/clock.h"
#include "daemon/core/cgroup.h"

namespace bpfwarden::metrics {

std::string RenderMetrics(const EndpointSources& sources) {
  const absl::Time start = absl::Now();
  TextWriter out;
  EntryCounts entries;
  if (sources.map_metrics != nullptr) {
    std::string mount = sources.cgroup2_mount;
    if (mount.empty()) mount = FindCgroup2Mount().value_or("/sys/fs/cgroup");
    sources.map_metrics->Write(*sources.daemon.warden, mount, out, entries);
  }
  WriteDaemonMetrics(sources.daemon, entries, out);
  if (sources.api != nullptr) sources.api->Write(out);
  out.Family("bpfwarden_scrape_duration_seconds",
             "How long this scrape took to render, up to this line.", "gauge");
  out.Sample("bpfwarden_scrape_duration_seconds", {},
             absl::ToDoubleSeconds(absl::Now() - start));
  return out.Take();
}

}  // namespace bpfwarden::metrics
