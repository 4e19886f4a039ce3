// TEST ONLY: a way to stall the daemon's core, for the watchdog test
// (//tests/systemd:real_systemd_test). This library is `testonly`, so Bazel
// refuses to link it into any target that is not (//daemon:bpfwardend, the
// binary tools/install ships, cannot depend on it), and main.cc calls it
// only when compiled with BPFWARDEN_TEST_HOOKS, which only the testonly
// //daemon:bpfwardend_for_tests defines.
#ifndef BPFWARDEN_DAEMON_TEST_HOOKS_H_
#define BPFWARDEN_DAEMON_TEST_HOOKS_H_

#include "daemon/core/warden.h"

namespace bpfwarden::test_hooks {

// With --test_stall_file=PATH: a thread that, once PATH exists, removes it
// and then holds the Warden's lock for good (inside the authorization
// callback of a Detach of one of its attachments, which runs under the
// lock), so that every call through the lock, the watchdog's check
// included, hangs. Needs one attachment (a waiting one will do).
void StartStallWatcher(Warden* warden);

// With --test_crash_at=POINT:N: the daemon SIGKILLs itself at the Nth time
// it passes the crash point POINT (daemon/base/crash_point.h), after
// saying so on stderr ("test crash at POINT, hit N"). For the
// crash-consistency test (//tests/soak:crash_points_test).
void InstallCrashPoint();

}  // namespace bpfwarden::test_hooks

#endif  // BPFWARDEN_DAEMON_TEST_HOOKS_H_
