// Fixture of the BPF log tests: a bpfwardend with the probe object of
// log_probe.bpf.c loaded as several sets, its programs run with
// BPF_PROG_TEST_RUN, and the records read back through Logs.Tail and the
// CLI.
#ifndef BPFWARDEN_TESTS_LOGS_LOGS_FIXTURE_H_
#define BPFWARDEN_TESTS_LOGS_LOGS_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bpfwarden/v1/api.grpc.pb.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/run_as.h"

namespace bpfwarden::testing {

class LogsFixture : public ApiFixture {
 protected:
  // Starts the daemon with `config` (the probe object's path is substituted
  // for $PROBE) and the extra flags.
  void StartLogsDaemon(const std::string& tag, const std::string& config,
                       std::vector<std::string> flags = {});

  // Runs program `program` of set `set` once (BPF_PROG_TEST_RUN).
  void RunBpf(const std::string& set, const std::string& program);
  // The size of `program` of `set` as the verifier left it (dead code
  // removed; verified_insns would say it too, but only from Linux 5.16).
  uint32_t XlatedBytes(const std::string& set, const std::string& program);
  // The set's log counts from Daemon.Status (zero when absent).
  v1::LogCounts Counts(const std::string& set);
  // Waits until the daemon has read `n` records of `set` (or dropped them).
  void WaitForRecords(const std::string& set, uint64_t n);
  // Logs.Tail without follow.
  std::vector<v1::LogRecord> Tail(
      const std::string& set,
      v1::LogLevel min_level = v1::LOG_LEVEL_UNSPECIFIED,
      grpc::Status* status = nullptr);
  // Runs the CLI as root, or as `creds`, against the daemon.
  RunResult Cli(std::vector<std::string> args,
                const std::optional<Credentials>& creds = std::nullopt);

  std::unique_ptr<v1::Logs::Stub> logs_;
  std::string cli_;  // a copy nobody can run
};

// The messages of `records`, in order.
std::vector<std::string> Messages(const std::vector<v1::LogRecord>& records);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_LOGS_LOGS_FIXTURE_H_
