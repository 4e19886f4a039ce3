// Crash points: named places in the daemon's writes of its own state (the
// state file, pins of maps and links) where a crash-consistency test kills
// the daemon. In everything shipped no handler is ever installed, so a
// crash point is one load and compare of a null pointer; only the testonly
// //daemon:test_hooks installs one (--test_crash_at, in
// //daemon:bpfwardend_for_tests).
#ifndef BPFWARDEN_DAEMON_BASE_CRASH_POINT_H_
#define BPFWARDEN_DAEMON_BASE_CRASH_POINT_H_

#include <atomic>

namespace bpfwarden {

using CrashHandler = void (*)(const char* point);

namespace internal {
inline std::atomic<CrashHandler> crash_handler{nullptr};
}  // namespace internal

// TEST ONLY: called at every crash point from then on.
inline void SetCrashHandler(CrashHandler handler) {
  internal::crash_handler.store(handler, std::memory_order_release);
}

// `point` names the place, e.g. "state.renamed" (a string literal).
inline void CrashPoint(const char* point) {
  if (CrashHandler h = internal::crash_handler.load(std::memory_order_acquire))
    h(point);
}

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_CRASH_POINT_H_
