#include "daemon/systemd/watchdog.h"

#include <systemd/sd-daemon.h>

#include <cstring>

#include "daemon/base/log.h"

namespace bpfwarden::systemd {

Watchdog::Watchdog(Check check) : check_(std::move(check)) {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) <= 0 || usec == 0) {
    return;
  }
  interval_ = absl::Microseconds(usec);
  BPFWARDEN_LOG(INFO) << "watchdog: " << absl::FormatDuration(interval_)
                      << ", pinging at half of it while the core answers";
  checker_ = std::thread([this] { Checker(); });
  pinger_ = std::thread([this] { Pinger(); });
}

Watchdog::~Watchdog() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (pinger_.joinable()) pinger_.join();
  if (checker_.joinable()) checker_.join();
}

void Watchdog::Checker() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      const auto asked = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return stop_ || asked_ > answered_;
      };
      mu_.Await(absl::Condition(&asked));
      if (stop_ && asked_ == answered_) return;
    }
    absl::Status s = check_();
    absl::MutexLock lock(&mu_);
    answered_ = asked_;
    last_ = std::move(s);
  }
}

void Watchdog::Pinger() {
  const absl::Duration period = interval_ / 2;
  // The check must come back well before the next ping is due.
  const absl::Duration deadline = interval_ / 4;
  bool failing = false;  // logged once until the core answers again
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    const absl::Time next = absl::Now() + period;
    if (asked_ == answered_) ++asked_;  // a hung check is not asked twice
    const uint64_t want = asked_;
    const auto back = [this, want]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return stop_ || answered_ >= want;
    };
    mu_.AwaitWithDeadline(absl::Condition(&back), absl::Now() + deadline);
    const bool answered = answered_ >= want && last_.ok();
    if (answered) {
      sd_notify(0, "WATCHDOG=1");
      if (failing) BPFWARDEN_LOG(INFO) << "watchdog: the core answers again";
      failing = false;
    } else if (!failing && !stop_) {
      BPFWARDEN_LOG(ERROR) << "watchdog: the core did not answer within "
                           << absl::FormatDuration(deadline)
                           << (answered_ >= want ? ": " : "")
                           << (answered_ >= want ? last_.ToString() : "")
                           << "; not pinging";
      failing = true;
    }
    mu_.AwaitWithDeadline(absl::Condition(
                              +[](bool* b) { return *b; }, &stop_),
                          next);
  }
}

}  // namespace bpfwarden::systemd
