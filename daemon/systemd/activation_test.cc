// The no-activation paths; a passed socket (good and bad) is exercised with
// the real daemon in tests/systemd.
#include "daemon/systemd/activation.h"

#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace bpfwarden::systemd {
namespace {

TEST(TakeListenSocketsTest, NoneWithoutListenFds) {
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_PID");
  auto fds = TakeListenSockets("/run/h.sock");
  ASSERT_TRUE(fds.ok()) << fds.status();
  EXPECT_FALSE(fds->api.valid());
  EXPECT_FALSE(fds->handles.valid());
}

TEST(TakeListenSocketsTest, IgnoresFdsMeantForAnotherProcess) {
  setenv("LISTEN_FDS", "1", 1);
  setenv("LISTEN_PID", std::to_string(getpid() + 1).c_str(), 1);
  auto fds = TakeListenSockets("/run/h.sock");
  ASSERT_TRUE(fds.ok()) << fds.status();
  EXPECT_FALSE(fds->api.valid());
  EXPECT_FALSE(fds->handles.valid());
  // Taken (and unset) either way, so children do not inherit them.
  EXPECT_EQ(getenv("LISTEN_FDS"), nullptr);
  EXPECT_EQ(getenv("LISTEN_PID"), nullptr);
}

}  // namespace
}  // namespace bpfwarden::systemd
