// The no-activation paths; a passed socket (good and bad) is exercised with
// the real daemon in tests/systemd.
#include "daemon/systemd/activation.h"

#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace bpfwarden::systemd {
namespace {

TEST(TakeListenSocketTest, NoneWithoutListenFds) {
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_PID");
  auto fd = TakeListenSocket();
  ASSERT_TRUE(fd.ok()) << fd.status();
  EXPECT_FALSE(fd->valid());
}

TEST(TakeListenSocketTest, IgnoresFdsMeantForAnotherProcess) {
  setenv("LISTEN_FDS", "1", 1);
  setenv("LISTEN_PID", std::to_string(getpid() + 1).c_str(), 1);
  auto fd = TakeListenSocket();
  ASSERT_TRUE(fd.ok()) << fd.status();
  EXPECT_FALSE(fd->valid());
  // Taken (and unset) either way, so children do not inherit them.
  EXPECT_EQ(getenv("LISTEN_FDS"), nullptr);
  EXPECT_EQ(getenv("LISTEN_PID"), nullptr);
}

}  // namespace
}  // namespace bpfwarden::systemd
