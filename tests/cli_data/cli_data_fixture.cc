#include "tests/cli_data/cli_data_fixture.h"

#include <sys/socket.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {

void CliDataTest::StartAndAttach(const std::string& tag) {
  ASSERT_NO_FATAL_FAILURE(StartDaemon(tag));
  for (const char* program : {"tcp_stats_sockops", "tcp_tune_sockops"}) {
    v1::AttachResponse attached;
    grpc::Status s = Attach(kSet, program, &attached);
    ASSERT_TRUE(s.ok()) << program << ": " << s.error_message();
  }
}

RunResult CliDataTest::Cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      Runfile("client/bpfwarden"),
      absl::StrCat("--socket=", daemon_->socket_path())};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<RunResult> result = RunProgram(argv);
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

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

}  // namespace bpfwarden::testing
