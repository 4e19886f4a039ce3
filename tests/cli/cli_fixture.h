// Fixture of the CLI tests: a daemon of its own (ApiFixture) and the
// bpfwarden binary run against it, its output and exit code captured.
#ifndef BPFWARDEN_TESTS_CLI_CLI_FIXTURE_H_
#define BPFWARDEN_TESTS_CLI_CLI_FIXTURE_H_

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {

class CliFixture : public ApiFixture {
 protected:
  void SetUp() override {
    setenv("COLUMNS", "80", 1);  // the width tables fit, stdout being a pipe
    ASSERT_NO_FATAL_FAILURE(StartDaemon("cli"));
  }

  // Runs bpfwarden with --socket pointing at the test's daemon.
  RunResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(),
                {Runfile("client/bpfwarden"),
                 absl::StrCat("--socket=", daemon_->socket_path())});
    absl::StatusOr<RunResult> result = RunProgram(args);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : RunResult{};
  }

  // Runs the command, expects exit 0 and returns stdout.
  std::string CliOk(const std::vector<std::string>& args) {
    RunResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0)
        << "bpfwarden " << absl::StrJoin(args, " ") << "\nstderr: " << r.err;
    return r.out;
  }

  // Runs the command, expects `exit_code`, one line on stderr holding
  // `message`, and nothing on stdout.
  void ExpectError(const std::vector<std::string>& args, int exit_code,
                   const std::string& message) {
    RunResult r = Cli(args);
    const std::string command = absl::StrJoin(args, " ");
    EXPECT_EQ(r.exit_code, exit_code) << command << "\nstderr: " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos)
        << command << "\nstderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1)
        << command << ": not one line\n" << r.err;
    EXPECT_EQ(r.out, "") << command;
  }
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_CLI_CLI_FIXTURE_H_
