// The systemd watchdog (WatchdogSec=): WATCHDOG=1 at half the interval, but
// only after a check that the core really answers (a trivial call through
// the lock the API uses) has come back within a deadline. A core that
// stops answering gets no pings, and systemd restarts the service.
#ifndef BPFWARDEN_DAEMON_SYSTEMD_WATCHDOG_H_
#define BPFWARDEN_DAEMON_SYSTEMD_WATCHDOG_H_

#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bpfwarden::systemd {

class Watchdog {
 public:
  using Check = std::function<absl::Status()>;

  // Starts pinging when WATCHDOG_USEC (and WATCHDOG_PID, when set, is this
  // process) asks for it; otherwise does nothing. `check` runs on a thread
  // of its own, so a check that hangs holds only that thread.
  explicit Watchdog(Check check);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  // Stops pinging; waits for a check under way (one that hangs holds the
  // core's lock, so the shutdown that follows would hang on it too).
  ~Watchdog();

  bool enabled() const { return interval_ > absl::ZeroDuration(); }

 private:
  void Pinger();   // every interval/2: ask for a check, ping if it answered
  void Checker();  // runs the checks asked for

  const Check check_;
  absl::Duration interval_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t asked_ ABSL_GUARDED_BY(mu_) = 0;     // checks asked for
  uint64_t answered_ ABSL_GUARDED_BY(mu_) = 0;  // checks come back
  absl::Status last_ ABSL_GUARDED_BY(mu_);
  std::thread pinger_;
  std::thread checker_;
};

}  // namespace bpfwarden::systemd

#endif  // BPFWARDEN_DAEMON_SYSTEMD_WATCHDOG_H_
