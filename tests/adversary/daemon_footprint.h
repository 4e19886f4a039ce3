// What a daemon holds, for the adversarial suite's before/after check:
// its resident memory and open descriptors, and the pins under a root.
#ifndef BPFWARDEN_TESTS_ADVERSARY_DAEMON_FOOTPRINT_H_
#define BPFWARDEN_TESTS_ADVERSARY_DAEMON_FOOTPRINT_H_

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

struct Footprint {
  int64_t rss_kib = 0;  // /proc/PID/status VmRSS
  int64_t fds = 0;      // entries of /proc/PID/fd
};

absl::StatusOr<Footprint> FootprintOf(pid_t pid);

// Whether `now` is within `percent` of `steady`, or `slack` of it where
// that is more (small numbers).
bool Within(int64_t now, int64_t steady, int percent, int64_t slack);

// Every path below `root`, relative to it (directories and pins alike).
std::set<std::string> PinsUnder(const std::string& root);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_ADVERSARY_DAEMON_FOOTPRINT_H_
