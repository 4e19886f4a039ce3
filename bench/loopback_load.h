// The loopback TCP work the sock_ops benchmark times, run by the calling
// process (the benchmark runs it in a child inside its cgroup).
#ifndef BPFWARDEN_BENCH_LOOPBACK_LOAD_H_
#define BPFWARDEN_BENCH_LOOPBACK_LOAD_H_

#include <cstddef>

#include "absl/status/statusor.h"

namespace bpfwarden::bench {

// `connections` IPv4 loopback connections one after another, each: connect,
// accept, one byte each way, then close with RST (SO_LINGER 0, so no
// TIME_WAIT piles up). Returns connections per second.
absl::StatusOr<double> ConnectionRate(int connections);

// One IPv4 loopback connection carrying `bytes` one way, written and read
// in 128 KiB calls by two threads. Returns bytes per second, from the first
// write to the last byte read.
absl::StatusOr<double> BulkThroughput(size_t bytes);

}  // namespace bpfwarden::bench

#endif  // BPFWARDEN_BENCH_LOOPBACK_LOAD_H_
