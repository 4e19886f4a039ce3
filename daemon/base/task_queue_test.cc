#include "daemon/base/task_queue.h"

#include <atomic>
#include <memory>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(TaskQueueTest, RunsEveryPostedTaskInOrderOnOneThread) {
  std::vector<int> order;
  {
    TaskQueue queue("test", 1, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(queue.Post([&order, i] { order.push_back(i); }).ok());
    }
  }  // the destructor runs what waits
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
}

TEST(TaskQueueTest, RefusesPastItsBoundWhileItsThreadsAreBusy) {
  absl::Notification release;
  absl::Notification started;
  std::atomic<int> ran{0};
  {
    TaskQueue queue("the admin queue", 1, 2);
    ASSERT_TRUE(queue
                    .Post([&] {
                      started.Notify();
                      release.WaitForNotification();
                      ++ran;
                    })
                    .ok());
    started.WaitForNotification();
    EXPECT_TRUE(queue.Post([&] { ++ran; }).ok());
    EXPECT_TRUE(queue.Post([&] { ++ran; }).ok());
    EXPECT_EQ(queue.waiting(), 2u);
    // A move-only task is refused, and not run.
    auto owned = std::make_unique<int>(1);
    EXPECT_THAT(
        queue.Post([&ran, owned = std::move(owned)] { ran += *owned; }),
        StatusIs(absl::StatusCode::kResourceExhausted, "the admin queue"));
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 3);
}

}  // namespace
}  // namespace bpfwarden
