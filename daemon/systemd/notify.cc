#include "daemon/systemd/notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/base/log.h"

namespace bpfwarden::systemd {
namespace {

void Notify(const std::string& state) {
  // 0: NOTIFY_SOCKET unset, nothing to do.
  const int r = sd_notify(/*unset_environment=*/0, state.c_str());
  if (r < 0) {
    BPFWARDEN_LOG(WARNING) << "sd_notify(" << state
                           << "): " << std::strerror(-r);
  }
}

uint64_t MonotonicMicros() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000 +
         static_cast<uint64_t>(now.tv_nsec) / 1000;
}

}  // namespace

void NotifyReady(absl::string_view status) {
  Notify(absl::StrCat("READY=1\nSTATUS=", status));
}

void NotifyReloading() {
  Notify(absl::StrCat("RELOADING=1\nMONOTONIC_USEC=", MonotonicMicros()));
}

void NotifyStatus(absl::string_view status) {
  Notify(absl::StrCat("STATUS=", status));
}

void NotifyStopping() { Notify("STOPPING=1"); }

}  // namespace bpfwarden::systemd
