// Read-handle hand-overs counted per uid, for Daemon.Status and /metrics.
#ifndef BPFWARDEN_DAEMON_METRICS_HANDLE_STATS_H_
#define BPFWARDEN_DAEMON_METRICS_HANDLE_STATS_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "daemon/metrics/text_format.h"

namespace bpfwarden::metrics {

struct HandleCount {
  // nullopt: the uids past kMaxUids, together.
  std::optional<uid_t> uid;
  uint64_t granted = 0;
  uint64_t refused = 0;
};

class HandleStats {
 public:
  // Uids counted one by one; the rest share one row ("other"), so callers
  // cannot grow the table (or /metrics) without bound.
  static constexpr size_t kMaxUids = 1024;

  void Record(uid_t uid, bool granted);
  // Every row, by uid (the "other" row last).
  std::vector<HandleCount> Snapshot() const;
  // bpfwarden_handle_handovers_total{uid, result="granted"|"refused"}.
  void Write(TextWriter& out) const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<uid_t, HandleCount> by_uid_ ABSL_GUARDED_BY(mu_);
  HandleCount other_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_HANDLE_STATS_H_
