#include "daemon/systemd/notify.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "daemon/base/unique_fd.h"
#include "gtest/gtest.h"

namespace bpfwarden::systemd {
namespace {

// A datagram socket standing in for systemd's notification socket.
class NotifySocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/bpfwarden-notify-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/notify.sock";
    sock_.Reset(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(sock_.valid());
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    ASSERT_EQ(
        bind(sock_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
        << std::strerror(errno);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("NOTIFY_SOCKET");
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }

  // The next datagram, nullopt after `ms` without one.
  std::optional<std::string> Receive(int ms = 2000) {
    pollfd pfd{sock_.get(), POLLIN, 0};
    if (poll(&pfd, 1, ms) != 1) return std::nullopt;
    char buf[4096];
    ssize_t n = recv(sock_.get(), buf, sizeof(buf), 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, n);
  }

  std::string dir_;
  std::string path_;
  UniqueFd sock_;
};

TEST_F(NotifySocketTest, ReadyCarriesStatus) {
  NotifyReady("serving on /run/x.sock");
  EXPECT_EQ(Receive(), "READY=1\nSTATUS=serving on /run/x.sock");
}

TEST_F(NotifySocketTest, ReloadingCarriesMonotonicTime) {
  timespec before{};
  clock_gettime(CLOCK_MONOTONIC, &before);
  NotifyReloading();
  std::optional<std::string> got = Receive();
  ASSERT_TRUE(got.has_value());
  constexpr char kPrefix[] = "RELOADING=1\nMONOTONIC_USEC=";
  ASSERT_TRUE(absl::StartsWith(*got, kPrefix)) << *got;
  uint64_t usec = 0;
  ASSERT_TRUE(absl::SimpleAtoi(got->substr(sizeof(kPrefix) - 1), &usec))
      << *got;
  const uint64_t before_usec =
      static_cast<uint64_t>(before.tv_sec) * 1000000 + before.tv_nsec / 1000;
  EXPECT_GE(usec, before_usec);
  EXPECT_LT(usec, before_usec + 10 * 1000000);
}

TEST_F(NotifySocketTest, Stopping) {
  NotifyStopping();
  EXPECT_EQ(Receive(), "STOPPING=1");
}

TEST_F(NotifySocketTest, NothingSentWithoutNotifySocket) {
  unsetenv("NOTIFY_SOCKET");
  NotifyReady("x");
  NotifyReloading();
  NotifyStopping();
  EXPECT_EQ(Receive(200), std::nullopt);
}

}  // namespace
}  // namespace bpfwarden::systemd
