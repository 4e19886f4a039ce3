// Every error path of the CLI: one line on stderr saying what failed, on
// what, and what to do; and its documented exit code (2 usage, 3 not
// found, 4 permission denied, 5 daemon unreachable, 1 other).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"

namespace bpfwarden::testing {
namespace {

using CliErrorsTest = CliFixture;

constexpr char kRuleKey[] = R"({"prefixlen": 104, "addr": "10.1.0.0"})";

TEST_F(CliErrorsTest, UnknownSetOrMapIsNotFound) {
  ExpectError({"dump", "no_such_set", "tcp_stats"}, 3,
              "dump no_such_set tcp_stats: NOT_FOUND");
  ExpectError({"dump", kSet, "no_such_map"}, 3,
              "dump bpfwarden no_such_map: NOT_FOUND");
  ExpectError({"map", kSet, "no_such_map"}, 3, "`bpfwarden maps`");
  ExpectError({"set", "no_such_set"}, 3, "set no_such_set: NOT_FOUND");
  ExpectError({"lookup", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill"}, 3,
              "NOT_FOUND");
  ExpectError({"detach", "att-0000000000000000"}, 3, "NOT_FOUND");
  ExpectError({"load", "other", "/nonexistent/x.bpf.o"}, 3,
              "cannot open /nonexistent/x.bpf.o");
}

TEST_F(CliErrorsTest, BadInputIsAUsageError) {
  ExpectError({"lookup", kSet, "tcp_tune_rules", "{not json"}, 2,
              "lookup in bpfwarden/tcp_tune_rules: INVALID_ARGUMENT");
  ExpectError({"update", kSet, "tcp_tune_rules", kRuleKey, R"({"rule_id":"x"})",
               "--zero_fill"},
              2, "INVALID_ARGUMENT");
  ExpectError({"update", kSet, "tcp_tune_rules", kRuleKey, "{}",
               "--flag=sometimes"},
              2, "--flag must be any, noexist or exist");
  ExpectError({"dump", kSet, "tcp_stats", "-o", "yaml"}, 2,
              "want table, wide, json, jsonl or raw");
  ExpectError({"frobnicate"}, 2, "unknown command 'frobnicate'");
  ExpectError({"lookup", kSet}, 2, "usage: bpfwarden lookup SET MAP [KEY]");
  ExpectError({"attach", kSet, "tcp_stats_sockops"}, 2,
              "give either a CGROUP argument or --unit=UNIT");
  ExpectError({"completion", "fish"}, 2, "only bash");
  ExpectError({"help", "nothing"}, 2, "no command 'nothing'");
}

TEST_F(CliErrorsTest, NoDaemonSaysSoAndWhatToDo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"status"}, {"dump", kSet, "tcp_stats"}, {"maps"}}) {
    std::vector<std::string> with_socket = {"--socket=/nonexistent/api.sock"};
    with_socket.insert(with_socket.end(), args.begin(), args.end());
    RunResult r = Cli(with_socket);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("cannot reach bpfwardend at /nonexistent/api.sock"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("systemctl status bpfwardend"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("--direct"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(CliErrorsTest, DeniedByPolicyIsPermissionDenied) {
  // nobody may connect (the socket's group is nogroup) but no rule lets it
  // read the map.
  const std::string binary = work_->path() + "/bpfwarden";
  ASSERT_TRUE(CopyExecutable(Runfile("client/bpfwarden"), binary).ok());
  auto r = RunAs({65534, 65534, {65534}},
                 {binary, "--socket=" + daemon_->socket_path(), "dump", kSet,
                  "tcp_stats"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 4) << r->err;
  EXPECT_NE(r->err.find("PERMISSION_DENIED"), std::string::npos) << r->err;
  EXPECT_NE(r->err.find("run as root, or ask for a policy rule"),
            std::string::npos)
      << r->err;
}

}  // namespace
}  // namespace bpfwarden::testing
