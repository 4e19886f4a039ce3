// The loopback TCP work the sock_ops benchmark times, run by the calling
// process (the benchmark runs it in a child inside its cgroup).
#ifndef BPFWARDEN_BENCH_LOOPBACK_LOAD_H_
#define BPFWARDEN_BENCH_LOOPBACK_LOAD_H_

#include <cstddef>

#include "absl/status/statusor.h"

namespace bpfwarden::bench {

// What a timed run did per second of wall time, and the CPU time the
// process spent (user and system, softirq work done in its context
// included), per unit of work.
struct LoadFigures {
  double per_second = 0;
  double cpu_us_per_unit = 0;
};

// `connections` IPv4 loopback connections one after another, each: connect,
// accept, one byte each way, then close with RST (SO_LINGER 0, so no
// TIME_WAIT piles up). Units: connections.
absl::StatusOr<LoadFigures> ConnectionRate(int connections);

// One IPv4 loopback connection carrying `bytes` one way, written and read
// in 128 KiB calls by two threads, timed from the first write to the last
// byte read. Units: megabytes (10^6 bytes).
absl::StatusOr<LoadFigures> BulkThroughput(size_t bytes);

}  // namespace bpfwarden::bench

#endif  // BPFWARDEN_BENCH_LOOPBACK_LOAD_H_
