// The cases of the sock_ops benchmark and the programs they attach: the
// default object's tcp_stats and tcp_tune, and a no-op program as the floor.
#ifndef BPFWARDEN_BENCH_SOCKOPS_CASES_H_
#define BPFWARDEN_BENCH_SOCKOPS_CASES_H_

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/base/libbpf_ptr.h"

namespace bpfwarden::bench {

struct SockOpsCase {
  std::string name;                   // as the report shows it
  std::vector<std::string> programs;  // attached in this order
};

// none, noop, tcp_stats, tcp_stats+tcp_tune; "none" first (the anchor).
std::span<const SockOpsCase> SockOpsCases();

// Both objects, loaded once for the whole run with no map pinned, so that
// nothing is left in bpffs. tcp_tune's rules stay empty, as shipped.
class SockOpsPrograms {
 public:
  static absl::StatusOr<SockOpsPrograms> Load();

  // Attaches the case's programs to the cgroup v2 directory through
  // bpf_link; destroying the links detaches them.
  absl::StatusOr<std::vector<BpfLinkPtr>> Attach(
      const SockOpsCase& c, const std::string& cgroup_path) const;

 private:
  SockOpsPrograms(BpfObjectPtr shipped, BpfObjectPtr noop)
      : shipped_(std::move(shipped)), noop_(std::move(noop)) {}
  bpf_program* Find(const std::string& name) const;

  BpfObjectPtr shipped_;
  BpfObjectPtr noop_;
};

}  // namespace bpfwarden::bench

#endif  // BPFWARDEN_BENCH_SOCKOPS_CASES_H_
