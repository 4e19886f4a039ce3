// The shipped tcp_tune's warning: a rule naming a congestion control that
// does not exist makes bpf_setsockopt fail on both ends of a loopback
// connection, and each failure arrives through Logs.Tail with the peer
// address, the rule id and the name.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::Each;
using ::testing::Eq;
using ::testing::SizeIs;

class TcpTuneLogTest : public ApiFixture {
 protected:
  std::vector<v1::LogRecord> TailWarnings(v1::Logs::Stub& logs);
};

std::vector<v1::LogRecord> TcpTuneLogTest::TailWarnings(v1::Logs::Stub& logs) {
  v1::TailRequest req;
  req.set_program_set(kSet);
  req.set_min_level(v1::WARN);
  auto ctx = Ctx();
  auto reader = logs.Tail(ctx.get(), req);
  StreamResult<v1::LogRecord> read = ReadStream(*reader);
  EXPECT_TRUE(read.status.ok()) << read.status.error_message();
  return read.messages;
}

TEST_F(TcpTuneLogTest, UnknownCongestionControlIsAWarningWithThePeer) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("logs-tcp-tune"));
  auto logs = v1::Logs::NewStub(daemon_->Channel());
  v1::AttachResponse attached;
  grpc::Status s = Attach(kSet, "tcp_tune_sockops", &attached);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = Update("tcp_tune_rules", R"({"prefixlen": 104, "addr": "127.0.0.0"})",
             R"({"rule_id": 7, "congestion": "nosuchcc"})");
  ASSERT_TRUE(s.ok()) << s.error_message();

  auto exchange = RunTcpExchangeIn(*cgroup_, {.family = AF_INET});
  ASSERT_TRUE(exchange.ok()) << exchange.status();
  // Both ends are established, and both refused.
  std::vector<v1::LogRecord> warnings;
  ASSERT_TRUE(WaitFor([&] {
    warnings = TailWarnings(*logs);
    return warnings.size() >= 2;
  })) << daemon_->Log();
  std::vector<std::string> messages;
  for (const v1::LogRecord& r : warnings) {
    messages.push_back(r.message());
    EXPECT_EQ(r.program(), "tcp_tune_sockops");
    EXPECT_EQ(r.level(), v1::WARN);
  }
  EXPECT_THAT(messages, SizeIs(2));
  EXPECT_THAT(messages,
              Each(Eq("congestion control nosuchcc refused for 127.0.0.1, "
                      "rule 7 (error -2)")));
}

}  // namespace
}  // namespace bpfwarden::testing
