// Socket activation with the test as systemd: it binds and listens, passes
// the socket as fd 3 with LISTEN_FDS=1 and LISTEN_PID=<child>, and the API
// serves on it (SO_PEERCRED identity intact) without binding its own. A
// second socket, bound at the handle socket's path, serves read handles.
// Anything but one or two listening Unix stream sockets is refused.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/systemd/systemd_fixture.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ActivationTest : public SystemdFixture {
 protected:
  // Starts the daemon with `fds` passed and expects it to refuse them.
  void ExpectRefused(const std::vector<int>& fds, const std::string& message) {
    ASSERT_NO_FATAL_FAILURE(
        StartDaemon(work() + "/api.sock", {.listen_fds = fds}));
    EXPECT_EQ(WaitExit(), 1) << daemon_->Log();
    EXPECT_THAT(daemon_->Log(), HasSubstr(message));
    EXPECT_NE(access((work() + "/api.sock").c_str(), F_OK), 0);
    EXPECT_EQ(Attached(), 0u);
  }
};

TEST_F(ActivationTest, ServesOnThePassedSocket) {
  const std::string activated = work() + "/activated.sock";
  auto listen = BindUnix(activated, SOCK_STREAM);
  ASSERT_TRUE(listen.ok()) << listen.status();
  const std::string own = work() + "/own.sock";
  ASSERT_NO_FATAL_FAILURE(StartDaemon(own, {.listen_fds = {listen->get()}}));

  absl::StatusOr<v1::StatusResponse> status = absl::UnavailableError("not yet");
  ASSERT_TRUE(WaitFor(
      [&] {
        status = StatusOver(activated);
        return status.ok() || daemon_->TryWait().value_or(std::nullopt);
      },
      30, 50))
      << status.status() << "\n"
      << daemon_->Log();
  ASSERT_TRUE(status.ok()) << status.status() << "\n" << daemon_->Log();
  // SO_PEERCRED on the passed socket's connections: this test runs as root.
  EXPECT_THAT(status->caller(), StartsWith("uid:0("));
  EXPECT_EQ(status->attachments(), 1u);
  EXPECT_EQ(Attached(), 1u);
  // It bound nothing of its own.
  EXPECT_NE(access(own.c_str(), F_OK), 0) << own << " exists";
  EXPECT_THAT(daemon_->Log(), HasSubstr("api: serving on " + activated));

  EXPECT_EQ((daemon_->Stop()).value_or(-1), 0) << daemon_->Log();
  EXPECT_EQ(Attached(), 0u);
  // The socket file belongs to whoever passed it (systemd keeps listening).
  struct stat st {};
  EXPECT_EQ(lstat(activated.c_str(), &st), 0) << activated << " removed";
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
}

TEST_F(ActivationTest, RefusesADatagramSocket) {
  UniqueFd udp(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(udp.valid());
  ExpectRefused({udp.get()},
                "fd 3 (LISTEN_FDS=1) is not a listening AF_UNIX stream "
                "socket");
}

TEST_F(ActivationTest, RefusesARegularFile) {
  const std::string path = work() + "/regular";
  UniqueFd file(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  ASSERT_TRUE(file.valid());
  ExpectRefused({file.get()},
                "fd 3 (LISTEN_FDS=1) is not a listening AF_UNIX stream "
                "socket");
}

TEST_F(ActivationTest, RefusesAUnixSocketThatDoesNotListen) {
  auto dgram = BindUnix(work() + "/dgram.sock", SOCK_DGRAM);
  ASSERT_TRUE(dgram.ok()) << dgram.status();
  ExpectRefused({dgram->get()}, "is not a listening AF_UNIX stream socket");
}

TEST_F(ActivationTest, ServesTheHandleSocketPassedBesideTheApiSocket) {
  const std::string api = work() + "/activated.sock";
  auto api_fd = BindUnix(api, SOCK_STREAM);
  ASSERT_TRUE(api_fd.ok()) << api_fd.status();
  // --handle_socket=auto: handles.sock beside --api_socket.
  const std::string handles = work() + "/handles.sock";
  auto handles_fd = BindUnix(handles, SOCK_STREAM);
  ASSERT_TRUE(handles_fd.ok()) << handles_fd.status();
  // Passed handle socket first: roles go by path, not by order.
  ASSERT_NO_FATAL_FAILURE(
      StartDaemon(work() + "/api.sock",
                  {.listen_fds = {handles_fd->get(), api_fd->get()}}));
  absl::StatusOr<v1::StatusResponse> status = absl::UnavailableError("not yet");
  ASSERT_TRUE(WaitFor(
      [&] {
        status = StatusOver(api);
        return status.ok() || daemon_->TryWait().value_or(std::nullopt);
      },
      30, 50))
      << status.status() << "\n"
      << daemon_->Log();
  ASSERT_TRUE(status.ok()) << status.status() << "\n" << daemon_->Log();
  EXPECT_EQ(status->handle_socket(), handles);
  EXPECT_THAT(daemon_->Log(), HasSubstr("handles: serving on " + handles));
  EXPECT_EQ((daemon_->Stop()).value_or(-1), 0) << daemon_->Log();
  struct stat st {};
  EXPECT_EQ(lstat(handles.c_str(), &st), 0) << handles << " removed";
}

TEST_F(ActivationTest, RefusesTwoSocketsNeitherAtTheHandlePath) {
  auto a = BindUnix(work() + "/a.sock", SOCK_STREAM);
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = BindUnix(work() + "/b.sock", SOCK_STREAM);
  ASSERT_TRUE(b.ok()) << b.status();
  ExpectRefused({a->get(), b->get()},
                "and neither is the handle socket --handle_socket names (" +
                    work() + "/handles.sock)");
}

TEST_F(ActivationTest, RefusesMoreThanTwoSockets) {
  auto a = BindUnix(work() + "/a.sock", SOCK_STREAM);
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = BindUnix(work() + "/b.sock", SOCK_STREAM);
  ASSERT_TRUE(b.ok()) << b.status();
  auto c = BindUnix(work() + "/c.sock", SOCK_STREAM);
  ASSERT_TRUE(c.ok()) << c.status();
  ExpectRefused({a->get(), b->get(), c->get()},
                "3 file descriptors passed (LISTEN_FDS); bpfwardend takes one "
                "or two");
}

}  // namespace
}  // namespace bpfwarden::testing
