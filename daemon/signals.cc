#include "daemon/signals.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/base/errno_status.h"

namespace bpfwarden {

absl::StatusOr<SignalWaiter> SignalWaiter::Create() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  if (int err = pthread_sigmask(SIG_BLOCK, &mask, nullptr); err != 0) {
    return ErrnoStatus(err, "block control signals");
  }
  UniqueFd fd(::signalfd(-1, &mask, SFD_CLOEXEC));
  if (!fd) return ErrnoStatus(errno, "signalfd");
  return SignalWaiter(std::move(fd));
}

absl::StatusOr<ControlSignal> SignalWaiter::Wait() {
  signalfd_siginfo info;
  for (;;) {
    ssize_t n = ::read(fd_.get(), &info, sizeof(info));
    if (n == sizeof(info)) break;
    if (n < 0 && errno == EINTR) continue;
    return ErrnoStatus(n < 0 ? errno : EIO, "read signalfd");
  }
  return info.ssi_signo == SIGHUP ? ControlSignal::kReload
                                  : ControlSignal::kShutdown;
}

}  // namespace bpfwarden
