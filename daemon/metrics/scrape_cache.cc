#include "daemon/metrics/scrape_cache.h"

#include <chrono>
#include <utility>

namespace bpfwarden::metrics {

ScrapeCache::ScrapeCache(absl::Duration min_interval, Renderer render,
                         Clock clock)
    : min_interval_(min_interval),
      render_(std::move(render)),
      clock_(std::move(clock)) {}

std::string ScrapeCache::Get() {
  absl::MutexLock lock(&mu_);
  const absl::Duration now = clock_();
  if (renderings_ == 0 || now - started_ >= min_interval_) {
    started_ = now;
    text_ = render_(++renderings_);
  }
  return text_;
}

absl::Duration ScrapeCache::SteadyNow() {
  return absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace bpfwarden::metrics
