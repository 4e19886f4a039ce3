// sd_notify(3) for bpfwardend.service (Type=notify): readiness, reloads and
// shutdown. Every call is a no-op when NOTIFY_SOCKET is unset; a failure to
// notify is logged, never fatal.
#ifndef BPFWARDEN_DAEMON_SYSTEMD_NOTIFY_H_
#define BPFWARDEN_DAEMON_SYSTEMD_NOTIFY_H_

#include "absl/strings/string_view.h"

namespace bpfwarden::systemd {

// READY=1 with STATUS=`status`: the core has started and the API serves.
// Also ends a reload begun with NotifyReloading().
void NotifyReady(absl::string_view status);

// RELOADING=1 with MONOTONIC_USEC= (now, CLOCK_MONOTONIC): a SIGHUP reload
// begins; NotifyReady() ends it.
void NotifyReloading();

// STATUS=`status` alone: what the daemon is doing changed.
void NotifyStatus(absl::string_view status);

// STOPPING=1: shutdown begins.
void NotifyStopping();

}  // namespace bpfwarden::systemd

#endif  // BPFWARDEN_DAEMON_SYSTEMD_NOTIFY_H_
