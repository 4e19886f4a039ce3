// Fixture of the data commands' end-to-end tests: a daemon with the builtin
// set (tests/api's ApiFixture), its two sock_ops programs attached to the
// test's cgroup, and the CLI run against it, or with --direct on its pins.
#ifndef BPFWARDEN_TESTS_CLI_DATA_CLI_DATA_FIXTURE_H_
#define BPFWARDEN_TESTS_CLI_DATA_CLI_DATA_FIXTURE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/run_as.h"

namespace bpfwarden::testing {

class CliDataTest : public ApiFixture {
 protected:
  // Starts the daemon and attaches tcp_stats_sockops and tcp_tune_sockops to
  // the test's cgroup.
  void StartAndAttach(const std::string& tag);

  // bpfwarden with --socket at the test's daemon, then `args`.
  RunResult Cli(const std::vector<std::string>& args);
  std::vector<std::string> CliArgv(const std::vector<std::string>& args);
  // bpfwarden --direct with --pin_root at the daemon's pins, then `args`.
  RunResult Direct(const std::vector<std::string>& args);
  // Expects exit 0; returns stdout.
  std::string Ok(const RunResult& result);

  // Loopback connections from a process in the test's cgroup (IPv4, then
  // IPv6 when `ipv6`); returns the server port of the IPv4 exchange.
  uint16_t MakeTraffic(int connections, bool ipv6 = false);

  // Starts `argv`, a `watch` of tcp_tune_rules printing jsonl, as `creds`
  // when set, and returns it once it reports changes: a sentinel rule (see
  // WatchEvents) is updated until the watch prints it. Events made after
  // this returns are therefore reported, however slowly the watch started.
  absl::StatusOr<RunningProgram> StartWatch(
      const std::optional<Credentials>& creds,
      const std::vector<std::string>& argv);
  // The watch's events but the sentinel's, once there are at least `n`
  // (up to 30 s; fails the test if they do not come).
  std::vector<std::string> AwaitEvents(const RunningProgram& watch, size_t n);
};

// The lines of a jsonl watch of tcp_tune_rules but those of StartWatch's
// sentinel rule.
std::vector<std::string> WatchEvents(const std::string& out);

// The non-empty lines of `text`.
std::vector<std::string> Lines(const std::string& text);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_CLI_DATA_CLI_DATA_FIXTURE_H_
