#include "tests/cli_data/cli_data_fixture.h"

#include <sys/socket.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

// A rule no test uses (an address of the documentation prefix).
constexpr char kSentinelAddr[] = "2001:db8::1";
constexpr char kSentinelKey[] = R"({"prefixlen": 128, "addr": "2001:db8::1"})";

}  // namespace

void CliDataTest::StartAndAttach(const std::string& tag) {
  ASSERT_NO_FATAL_FAILURE(StartDaemon(tag));
  for (const char* program : {"tcp_stats_sockops", "tcp_tune_sockops"}) {
    v1::AttachResponse attached;
    grpc::Status s = Attach(kSet, program, &attached);
    ASSERT_TRUE(s.ok()) << program << ": " << s.error_message();
  }
}

std::vector<std::string> CliDataTest::CliArgv(
    const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      Runfile("client/bpfwarden"),
      absl::StrCat("--socket=", daemon_->socket_path())};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

RunResult CliDataTest::Cli(const std::vector<std::string>& args) {
  absl::StatusOr<RunResult> result = RunProgram(CliArgv(args));
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : RunResult{};
}

RunResult CliDataTest::Direct(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Runfile("client/bpfwarden"), "--direct",
                                   absl::StrCat("--pin_root=", pins_->path())};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<RunResult> result = RunProgram(argv);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : RunResult{};
}

std::string CliDataTest::Ok(const RunResult& result) {
  EXPECT_EQ(result.exit_code, 0) << "stderr: " << result.err;
  return result.out;
}

uint16_t CliDataTest::MakeTraffic(int connections, bool ipv6) {
  TcpExchange spec{.family = AF_INET,
                   .connections = connections,
                   .bytes_per_connection = 4096};
  absl::StatusOr<TcpExchangeResult> v4 = RunTcpExchangeIn(*cgroup_, spec);
  EXPECT_TRUE(v4.ok()) << v4.status();
  if (ipv6) {
    spec.family = AF_INET6;
    absl::StatusOr<TcpExchangeResult> v6 = RunTcpExchangeIn(*cgroup_, spec);
    EXPECT_TRUE(v6.ok()) << v6.status();
  }
  return v4.ok() ? v4->server_port : 0;
}

absl::StatusOr<RunningProgram> CliDataTest::StartWatch(
    const std::optional<Credentials>& creds,
    const std::vector<std::string>& argv) {
  absl::StatusOr<RunningProgram> watch = RunningProgram::Start(creds, argv);
  if (!watch.ok()) return watch.status();
  int round = 0;
  auto sentinel_seen = [&] {
    return Lines(watch->Out()).size() > WatchEvents(watch->Out()).size();
  };
  // Each round changes the sentinel, so a watch that took its first
  // snapshot after an earlier round still sees the next one.
  const bool reporting = WaitFor(
      [&] {
        Ok(Cli({"update", kSet, "tcp_tune_rules", kSentinelKey,
                absl::StrCat(R"({"rule_id": )", 1000 + ++round, "}"),
                "--zero_fill"}));
        return sentinel_seen();
      },
      60, 200);
  if (!reporting) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the watch reported no change in 60 s; stdout: ", watch->Out(),
        "; stderr: ", watch->Err()));
  }
  return watch;
}

std::vector<std::string> CliDataTest::AwaitEvents(const RunningProgram& watch,
                                                  size_t n) {
  auto events = WaitForValue([&] { return WatchEvents(watch.Out()); },
                             [&](const auto& e) { return e.size() >= n; }, 30);
  EXPECT_TRUE(events.held) << "fewer than " << n
                           << " events in 30 s; stdout: " << watch.Out()
                           << "; stderr: " << watch.Err();
  return events.last;
}

std::vector<std::string> WatchEvents(const std::string& out) {
  std::vector<std::string> events;
  for (const std::string& line : Lines(out)) {
    if (line.find(kSentinelAddr) == std::string::npos) events.push_back(line);
  }
  return events;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

}  // namespace bpfwarden::testing
