// The daemon's own metrics, read from the core: build info, program sets
// and their programs (with the kernel's run statistics, and whether
// kernel.bpf_stats_enabled is on), attachments, maps, BPF log records.
#ifndef BPFWARDEN_DAEMON_METRICS_DAEMON_METRICS_H_
#define BPFWARDEN_DAEMON_METRICS_DAEMON_METRICS_H_

#include <string>

#include "absl/time/time.h"
#include "daemon/core/bpf_log_hub.h"
#include "daemon/core/warden.h"
#include "daemon/metrics/map_metrics.h"
#include "daemon/metrics/text_format.h"

namespace bpfwarden::metrics {

struct DaemonSources {
  const Warden* warden = nullptr;
  const BpfLogHub* logs = nullptr;  // may be null
  std::string version;
  std::string bpf_stats_path = "/proc/sys/kernel/bpf_stats_enabled";
  // Maps not counted by then are left without an entry count.
  absl::Time deadline = absl::InfiniteFuture();
};

// Writes the families. `entries`: entry counts already taken this scrape
// (by the map metrics); other maps are counted here (arrays: max_entries;
// hash maps and tries: one dump; other types have no entry count). True
// when an entry count was left out because `deadline` passed.
bool WriteDaemonMetrics(const DaemonSources& sources,
                        const EntryCounts& entries, TextWriter& out);

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_DAEMON_METRICS_H_
