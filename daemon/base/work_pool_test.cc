#include "daemon/base/work_pool.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

// Every index in [0, n) is visited exactly once.
void ExpectEachOnce(WorkPool& pool, size_t n, size_t min_chunk) {
  std::vector<std::atomic<int>> seen(n);
  pool.ParallelFor(n, min_chunk, [&](size_t begin, size_t end) {
    ASSERT_LE(begin, end);
    ASSERT_LE(end, n);
    for (size_t i = begin; i < end; ++i) seen[i]++;
  });
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(seen[i].load(), 1) << "index " << i << " of " << n;
  }
}

TEST(WorkPoolTest, CoversEveryIndexOnce) {
  for (int threads : {0, 1, 3}) {
    WorkPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (size_t n : {0, 1, 2, 7, 100, 1000, 1001}) {
      for (size_t min_chunk : {0, 1, 3, 128, 5000}) {
        SCOPED_TRACE(testing::Message() << threads << " threads, n=" << n
                                        << ", min_chunk=" << min_chunk);
        ExpectEachOnce(pool, n, min_chunk);
      }
    }
  }
}

TEST(WorkPoolTest, ChunksAreAtLeastMinChunk) {
  WorkPool pool(3);
  std::atomic<size_t> smallest{~size_t{0}};
  std::atomic<int> calls{0};
  pool.ParallelFor(1000, 300, [&](size_t begin, size_t end) {
    calls++;
    size_t len = end - begin, cur = smallest.load();
    while (len < cur && !smallest.compare_exchange_weak(cur, len)) {
    }
  });
  EXPECT_EQ(calls.load(), 3);  // 1000 / 300: three parts of 334, 334, 332
  EXPECT_GE(smallest.load(), 300u);
}

TEST(WorkPoolTest, RunsChunksOnTwoThreadsAtOnce) {
  WorkPool pool(1);
  // Each of the two chunks waits for the other to start: they finish only
  // if both run at the same time, on the caller and the pool's thread.
  absl::Notification started[2];
  std::atomic<int> met{0};
  std::set<std::thread::id> ids;
  absl::Mutex ids_mu;
  pool.ParallelFor(2, 1, [&](size_t begin, size_t end) {
    ASSERT_EQ(end, begin + 1);
    started[begin].Notify();
    if (started[1 - begin].WaitForNotificationWithTimeout(absl::Seconds(30))) {
      met++;
    }
    absl::MutexLock lock(&ids_mu);
    ids.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(met.load(), 2);
  EXPECT_EQ(ids.size(), 2u);
}

TEST(WorkPoolTest, WithoutThreadsRunsOnTheCaller) {
  WorkPool pool(0);
  std::thread::id ran;
  int calls = 0;
  pool.ParallelFor(1000, 1, [&](size_t begin, size_t end) {
    ran = std::this_thread::get_id();
    calls++;
    EXPECT_EQ(begin, 0u);
    EXPECT_EQ(end, 1000u);
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ran, std::this_thread::get_id());
}

TEST(WorkPoolTest, ManyCallersAtOnceAllFinish) {
  WorkPool pool(2);
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int c = 0; c < 16; ++c) {
    callers.emplace_back([&pool, &failures, c] {
      for (int round = 0; round < 50; ++round) {
        const size_t n = 100 + 37 * c + round;
        std::vector<std::atomic<int>> seen(n);
        pool.ParallelFor(n, 10, [&](size_t begin, size_t end) {
          for (size_t i = begin; i < end; ++i) seen[i]++;
        });
        for (size_t i = 0; i < n; ++i) {
          if (seen[i].load() != 1) failures++;
        }
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(WorkPoolTest, RunBothKeepsHereOnTheCaller) {
  WorkPool pool(1);
  for (int round = 0; round < 20; ++round) {
    std::thread::id here_ran, there_ran;
    absl::Notification there_started;
    pool.RunBoth(
        [&] {
          here_ran = std::this_thread::get_id();
          // `there` runs meanwhile on the pool's thread: this waits for it.
          EXPECT_TRUE(there_started.WaitForNotificationWithTimeout(
              absl::Seconds(30)));
        },
        [&] {
          there_ran = std::this_thread::get_id();
          there_started.Notify();
        });
    EXPECT_EQ(here_ran, std::this_thread::get_id());
    EXPECT_NE(there_ran, std::this_thread::get_id());
  }
}

TEST(WorkPoolTest, RunBothWithoutThreadsRunsHereThenThere) {
  WorkPool pool(0);
  std::vector<int> order;
  pool.RunBoth([&] { order.push_back(1); }, [&] { order.push_back(2); });
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace bpfwarden
