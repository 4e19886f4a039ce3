// Synchronous delivery of the daemon's control signals.
#ifndef BPFWARDEN_DAEMON_SIGNALS_H_
#define BPFWARDEN_DAEMON_SIGNALS_H_

#include <signal.h>

#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden {

enum class ControlSignal { kShutdown, kReload };

// Blocks SIGTERM, SIGINT and SIGHUP for the whole process and delivers them
// through a signalfd. Create it in main() before starting any thread, so
// that every thread inherits the blocked mask.
class SignalWaiter {
 public:
  static absl::StatusOr<SignalWaiter> Create();

  // Waits for the next control signal: SIGTERM and SIGINT are kShutdown,
  // SIGHUP is kReload.
  absl::StatusOr<ControlSignal> Wait();

  int fd() const { return fd_.get(); }

 private:
  explicit SignalWaiter(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_SIGNALS_H_
