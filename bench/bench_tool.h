// bench_tool: the measuring half of bench/run (one mode per call, one JSON
// result line on stdout).
#ifndef BPFWARDEN_BENCH_BENCH_TOOL_H_
#define BPFWARDEN_BENCH_BENCH_TOOL_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/bench_maps.h"

namespace bpfwarden::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Result {
  uint64_t count = 0;   // entries, calls or keys, as the mode counts
  uint64_t errors = 0;  // failed calls
  double seconds = 0;
  std::vector<double> latencies_us;  // per call, where measured
  uint64_t max_rss_kb = 0;           // of --pid during the run, if given
};

// Key i of the benchmark maps (Fill writes keys 0..entries-1).
bench_key KeyOf(uint64_t i);

absl::Status Fill(const std::string& pin, uint64_t entries);
// A 1-byte round trip to a child process over a Unix socket pair, for
// `seconds`: the wake-up floor of any request and response (pingpong.cc).
absl::StatusOr<Result> UnixPingPong(double seconds);
absl::StatusOr<Result> DumpInProcess(const std::string& pin, bool batch);
absl::StatusOr<Result> SyscallLookups(const std::string& pin, double seconds,
                                      uint64_t keys);

struct ApiTarget {
  std::string socket;
  std::string set;
  std::string map;
};

// `encoding`: "raw" or "json"; packed pages unless `entries_form`.
absl::StatusOr<Result> DumpOverApi(const ApiTarget& target,
                                   const std::string& encoding,
                                   bool entries_form);

struct PointOptions {
  std::string op;        // "lookup", "update" or "lookup_batch"
  std::string encoding;  // "raw" or "json"
  int clients = 1;
  double seconds = 2;
  uint64_t keys = 1000;   // keys 0..keys-1 are used
  uint32_t batch = 1000;  // lookup_batch: keys per call
  int pid = 0;            // sample this process's RSS meanwhile
};
absl::StatusOr<Result> PointOps(const ApiTarget& target,
                                const PointOptions& options);

// The RSS of `pid` in kB (VmRSS), 0 when unknown.
uint64_t RssKb(int pid);

}  // namespace bpfwarden::bench

#endif  // BPFWARDEN_BENCH_BENCH_TOOL_H_
