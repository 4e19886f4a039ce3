// API tests that call as another uid: api_probe (one call from the command
// line) run as nobody, or with other credentials, against the test's daemon.
#ifndef BPFWARDEN_TESTS_API_PROBE_FIXTURE_H_
#define BPFWARDEN_TESTS_API_PROBE_FIXTURE_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/support/status.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/run_as.h"

namespace bpfwarden::testing {

inline constexpr uid_t kNobody = 65534;
inline const Credentials kNobodyCreds = {kNobody, kNobody, {kNobody}};

// READ for nobody on the builtin set's tcp_tune_* maps (and so not on its
// bw_log).
inline constexpr char kReadCounters[] = R"pb(
  policy {
    program_set: "bpfwarden"
    map: "tcp_tune_*"
    principals: "uid:65534"
    allow: READ
  }
)pb";

// api_probe's exit status for `code`.
inline int Code(grpc::StatusCode code) { return static_cast<int>(code); }

// Runs api_probe (copied into `work_dir` first, once) as `creds` against
// the daemon on `socket`, with `args` after the socket path.
RunResult RunApiProbe(const std::string& work_dir, const std::string& socket,
                      const std::vector<std::string>& args,
                      const Credentials& creds = kNobodyCreds);

// api_probe's argv: the copy in `work_dir` (made once), `socket`, `args`.
std::vector<std::string> ApiProbeArgv(const std::string& work_dir,
                                      const std::string& socket,
                                      const std::vector<std::string>& args);

class ProbeFixture : public ApiFixture {
 protected:
  // Runs api_probe as `creds` with `args` after the socket path.
  RunResult Probe(const std::vector<std::string>& args,
                  const Credentials& creds = kNobodyCreds);
  // Starts api_probe as `creds` with `args`, left running.
  absl::StatusOr<RunningProgram> StartProbe(
      const std::vector<std::string>& args,
      const Credentials& creds = kNobodyCreds);
  // `runfile` copied into the work directory, readable by everyone.
  std::string Readable(const std::string& runfile);
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_API_PROBE_FIXTURE_H_
