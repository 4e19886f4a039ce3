// The cases of the sock_ops benchmark and the programs they attach: the
// default object's tcp_stats and tcp_tune, no-op programs as the floors,
// and optionally the same two programs from an older build of the object.
#ifndef BPFWARDEN_BENCH_SOCKOPS_CASES_H_
#define BPFWARDEN_BENCH_SOCKOPS_CASES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/base/libbpf_ptr.h"

namespace bpfwarden::bench {

struct SockOpsCase {
  std::string name;                   // as the report shows it
  std::string object;                 // "shipped", "noop" or "baseline"
  std::vector<std::string> programs;  // attached in this order
};

// none, noop, the floors of two programs (two no-ops; two no-ops asking for
// the close callbacks; two no-ops asking for tcp_stats' callbacks),
// tcp_stats, tcp_stats+tcp_tune, and with `baseline` the last two again from
// the baseline object. "none" comes first: the anchor.
std::vector<SockOpsCase> SockOpsCases(bool baseline);

// The objects, loaded once for the whole run with no map pinned, so that
// nothing is left in bpffs. tcp_tune's rules stay empty, as shipped.
class SockOpsPrograms {
 public:
  // `baseline_path`: a linked bpfwarden.bpf.o of another build, or "".
  static absl::StatusOr<SockOpsPrograms> Load(const std::string& baseline_path);

  struct RunStats {
    std::string name;  // "object/program"
    uint64_t runs = 0;
    uint64_t run_time_ns = 0;
  };
  // The kernel's run counters of every program (non-zero only while run
  // time statistics are enabled: kernel.bpf_stats_enabled, BPF_ENABLE_STATS).
  std::vector<RunStats> Stats() const;

  // Attaches the case's programs to the cgroup v2 directory through
  // bpf_link; destroying the links detaches them.
  absl::StatusOr<std::vector<BpfLinkPtr>> Attach(
      const SockOpsCase& c, const std::string& cgroup_path) const;

 private:
  explicit SockOpsPrograms(std::map<std::string, BpfObjectPtr> objects)
      : objects_(std::move(objects)) {}

  std::map<std::string, BpfObjectPtr> objects_;
};

}  // namespace bpfwarden::bench

#endif  // BPFWARDEN_BENCH_SOCKOPS_CASES_H_
