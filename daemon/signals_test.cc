#include "daemon/signals.h"

#include <signal.h>

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

TEST(SignalWaiterTest, TermIsShutdownAndHupIsReload) {
  auto waiter = SignalWaiter::Create();
  ASSERT_TRUE(waiter.ok()) << waiter.status();

  ASSERT_EQ(::raise(SIGHUP), 0);
  auto first = waiter->Wait();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, ControlSignal::kReload);

  ASSERT_EQ(::raise(SIGTERM), 0);
  auto second = waiter->Wait();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, ControlSignal::kShutdown);

  ASSERT_EQ(::raise(SIGINT), 0);
  auto third = waiter->Wait();
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(*third, ControlSignal::kShutdown);
}

}  // namespace
}  // namespace bpfwarden
