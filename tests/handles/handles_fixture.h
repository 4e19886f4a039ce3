// Fixture of the read-handle tests: an API test daemon (its handle socket
// beside its API socket) and handle_reader run as nobody.
#ifndef BPFWARDEN_TESTS_HANDLES_HANDLES_FIXTURE_H_
#define BPFWARDEN_TESTS_HANDLES_HANDLES_FIXTURE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/run_as.h"

namespace bpfwarden::testing {

inline const Credentials kNobodyReader = {65534, 65534, {65534}};

// READ_HANDLE for nobody on the builtin set's tcp_tune_* maps.
inline constexpr char kHandleCounters[] = R"pb(
  policy {
    program_set: "bpfwarden"
    map: "tcp_tune_*"
    principals: "uid:65534"
    allow: READ_HANDLE
  }
)pb";

class HandlesFixture : public ApiFixture {
 protected:
  std::string HandleSocket() const { return work_->path() + "/handles.sock"; }
  // handle_reader (copied into the work directory once) as `creds`, with
  // the handle socket and `args`.
  RunResult Reader(const std::vector<std::string>& args,
                   const Credentials& creds = kNobodyReader);
  absl::StatusOr<v1::StatusResponse> Status();
  // The daemon's open descriptors (/proc/PID/fd) by kind: sockets, pipes,
  // BPF maps and the rest ("socket:", "pipe:", "anon_inode:bpf-map",
  // "other"), so that gRPC's own comings and goings (sockets, event fds)
  // cannot hide a leaked pipe or map.
  std::map<std::string, int> DaemonFds() const;
  // Waits (20 s at most) until the daemon holds no more descriptors of
  // each kind than `before`: a leak keeps one above for good.
  void ExpectNoFdLeak(const std::map<std::string, int>& before) const;
  // The pin of `map` in the builtin set.
  std::string PinOf(const std::string& map);
  // AUDIT lines of Handles.Open in the daemon's log with `part` in them.
  int AuditLines(const std::string& part) const;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_HANDLES_HANDLES_FIXTURE_H_
