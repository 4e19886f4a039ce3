// One rendering of /metrics shared by every scrape within a minimum
// interval: N scrapers cost one dump of the maps per interval, whoever
// they are.
#ifndef BPFWARDEN_DAEMON_METRICS_SCRAPE_CACHE_H_
#define BPFWARDEN_DAEMON_METRICS_SCRAPE_CACHE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bpfwarden::metrics {

class ScrapeCache {
 public:
  // Renders the text of the n-th rendering (n = 1, 2, ...).
  using Renderer = std::function<std::string(uint64_t rendering)>;
  // A monotonic clock (the default: std::chrono::steady_clock).
  using Clock = std::function<absl::Duration()>;

  // `min_interval` 0: every Get renders.
  ScrapeCache(absl::Duration min_interval, Renderer render,
              Clock clock = SteadyNow);

  // The last rendering's text if it began less than min_interval ago;
  // otherwise a new rendering. One renders at a time: a caller that comes
  // during a rendering waits for it and gets its text.
  std::string Get() ABSL_LOCKS_EXCLUDED(mu_);

  static absl::Duration SteadyNow();

 private:
  const absl::Duration min_interval_;
  const Renderer render_;
  const Clock clock_;
  absl::Mutex mu_;
  std::string text_ ABSL_GUARDED_BY(mu_);
  absl::Duration started_ ABSL_GUARDED_BY(mu_);
  uint64_t renderings_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_SCRAPE_CACHE_H_
