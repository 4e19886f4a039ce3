// Hostile clients on the handle socket: truncated frames, huge lengths,
// unknown fields, descriptors sent to the daemon, slow senders, floods of
// requests and of connections. Each gets a clear answer or is closed; the
// daemon's descriptor count comes back to where it was; it keeps serving.
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "client/handles/handle_client.h"
#include "daemon/base/scm_rights.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/handles/handles_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

std::string Request(const std::string& set, const std::string& map) {
  v1::HandleRequest request;
  request.mutable_map()->set_program_set(set);
  request.mutable_map()->set_map(map);
  return request.SerializeAsString();
}

// The connection's next answer, read raw.
absl::StatusOr<v1::HandleResponse> NextAnswer(int fd) {
  auto header = client::ReceiveExactly(fd, 4, nullptr);
  if (!header.ok()) return header.status();
  const auto* b = reinterpret_cast<const uint8_t*>(header->data());
  const size_t n = b[0] | b[1] << 8 | b[2] << 16 | size_t{b[3]} << 24;
  auto body = client::ReceiveExactly(fd, n, nullptr);
  if (!body.ok()) return body.status();
  v1::HandleResponse response;
  if (!response.ParseFromString(*body)) return absl::DataLossError("parse");
  return response;
}

// Whether the daemon closed the connection (end of file).
bool Closed(int fd) {
  char c;
  return recv(fd, &c, 1, 0) == 0;
}

class HostileHandlesTest : public HandlesFixture {
 protected:
  absl::StatusOr<client::HandleClient> Connect() {
    return client::HandleClient::Connect(HandleSocket(), absl::Seconds(30));
  }
  // Still serving: a good request gets its descriptor.
  void ExpectServing() {
    auto c = Connect();
    ASSERT_TRUE(c.ok()) << c.status();
    auto handle = c->Open(kSet, "tcp_tune_counters");
    EXPECT_TRUE(handle.ok()) << handle.status();
  }
};

TEST_F(HostileHandlesTest, BadFramesGetClearErrorsAndLeakNothing) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("handles-hostile", kHandleCounters));
  ASSERT_NO_FATAL_FAILURE(ExpectServing());
  const std::map<std::string, int> before = DaemonFds();

  {  // A huge length: refused at once, then closed (no resynchronising).
    auto c = Connect();
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(client::SendAll(c->fd(), std::string("\xff\xff\xff\x7f", 4))
                    .ok());
    auto answer = NextAnswer(c->fd());
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->code(), 3);  // INVALID_ARGUMENT
    EXPECT_EQ(answer->message(),
              "request frame of 2147483647 bytes: at most 4096 are accepted");
    EXPECT_TRUE(Closed(c->fd()));
  }
  {  // Unknown fields, garbage, an empty request: answered, connection kept.
    auto c = Connect();
    ASSERT_TRUE(c.ok());
    for (const std::string& payload :
         {Request(kSet, "tcp_tune_counters") + std::string("\x38\x01", 2),
          std::string("\xff\xfe\xfd"), std::string()}) {
      UniqueFd fd;
      auto answer = c->Exchange(payload, &fd);
      ASSERT_TRUE(answer.ok()) << answer.status();
      EXPECT_EQ(answer->code(), 3) << answer->message();
      EXPECT_FALSE(fd.valid());
    }
    auto handle = c->Open(kSet, "tcp_tune_counters");
    EXPECT_TRUE(handle.ok()) << handle.status();
  }
  {  // Descriptors sent to the daemon with a request are closed there.
    auto c = Connect();
    ASSERT_TRUE(c.ok());
    std::string frame = std::string("\0\0\0\0", 4);
    int pipes[2];
    ASSERT_EQ(pipe(pipes), 0);
    iovec iov{frame.data(), frame.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    FdControl control;
    AttachFds(msg, pipes, control);
    ASSERT_EQ(sendmsg(c->fd(), &msg, 0), 4);
    close(pipes[0]);
    close(pipes[1]);
    auto answer = NextAnswer(c->fd());
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->code(), 3);
  }
  {  // Truncated: half a frame, then the client goes away.
    auto c = Connect();
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(client::SendAll(c->fd(), std::string("\x20\0\0\0ab", 6)).ok());
  }
  {  // A slow sender: part of a frame and then nothing. The daemon answers
     // DEADLINE_EXCEEDED after its read timeout (5 s) and closes.
    auto c = Connect();
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(client::SendAll(c->fd(), std::string("\x20\0", 2)).ok());
    auto answer = NextAnswer(c->fd());
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->code(), 4);  // DEADLINE_EXCEEDED
    EXPECT_THAT(answer->message(), HasSubstr("request frame not complete"));
    EXPECT_TRUE(Closed(c->fd()));
  }
  // Every connection gone, every descriptor closed.
  ExpectNoFdLeak(before);
  ASSERT_NO_FATAL_FAILURE(ExpectServing());
}

TEST_F(HostileHandlesTest, TenThousandRequestsAreLimitedPerUid) {
  BPFWARDEN_REQUIRE_KERNEL();
  extra_flags_ = {"--handle_max_per_minute=50"};
  ASSERT_NO_FATAL_FAILURE(StartDaemon("handles-flood", kHandleCounters));
  const std::map<std::string, int> before = DaemonFds();
  RunResult flood = Reader({"flood", "10000", kSet, "tcp_tune_counters"});
  ASSERT_EQ(flood.exit_code, 0) << flood.err;
  // 50 granted this minute, the rest RESOURCE_EXHAUSTED.
  EXPECT_EQ(flood.out, "code=0 count=50\ncode=8 count=9950\n") << flood.out;
  // Granted ones each audited; refusals at most 20 in 10 s, the rest
  // counted in the next record.
  EXPECT_EQ(AuditLines("result=OK"), 50);
  EXPECT_LE(AuditLines("result=RESOURCE_EXHAUSTED"), 40);
  ExpectNoFdLeak(before);
  absl::StatusOr<v1::StatusResponse> status = Status();
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->handle_counts_size(), 1);
  EXPECT_EQ(status->handle_counts(0).granted(), 50u);
  EXPECT_EQ(status->handle_counts(0).refused(), 9950u);
  // Root is not limited.
  ASSERT_NO_FATAL_FAILURE(ExpectServing());
}

TEST_F(HostileHandlesTest, ConnectionsPastTheCapsAreRefused) {
  BPFWARDEN_REQUIRE_KERNEL();
  extra_flags_ = {"--handle_max_connections_per_uid=4"};
  ASSERT_NO_FATAL_FAILURE(StartDaemon("handles-conns", kHandleCounters));
  const std::map<std::string, int> before = DaemonFds();
  RunResult hold = Reader({"hold", "10"});
  ASSERT_EQ(hold.exit_code, 0) << hold.err;
  EXPECT_EQ(hold.out, "refused=6\n");
  ExpectNoFdLeak(before);
  ASSERT_NO_FATAL_FAILURE(ExpectServing());
}

}  // namespace
}  // namespace bpfwarden::testing
