#include "daemon/api/write_watch.h"

#include <poll.h>
#include <sys/socket.h>

#include "absl/time/clock.h"
#include "daemon/base/unique_fd.h"
#include "gtest/gtest.h"

namespace bpfwarden::api {
namespace {

// A connected pair: `server` plays the accepted connection, `client` the
// peer that would see the cut.
struct Pair {
  UniqueFd server;
  UniqueFd client;
};

Pair Connected() {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Whether the peer sees end-of-stream within `wait`.
bool PeerSeesCut(int client, absl::Duration wait) {
  pollfd p{client, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(wait))) != 1) {
    return false;
  }
  char byte;
  return recv(client, &byte, 1, MSG_DONTWAIT) == 0;
}

TEST(WriteWatchTest, CutsAWriteBlockedPastItsDeadlinePlusGrace) {
  WriteWatch watch(absl::Milliseconds(100));
  Pair pair = Connected();
  const absl::Time start = absl::Now();
  WriteWatch::Watched held =
      watch.Watch(pair.server.get(), start + absl::Milliseconds(100));
  EXPECT_TRUE(PeerSeesCut(pair.client.get(), absl::Seconds(5)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(200));
  EXPECT_EQ(watch.cut(), 1u);
}

TEST(WriteWatchTest, LeavesAWriteThatFinishesInTime) {
  WriteWatch watch(absl::Milliseconds(50));
  Pair pair = Connected();
  {
    WriteWatch::Watched held =
        watch.Watch(pair.server.get(), absl::Now() + absl::Milliseconds(50));
  }
  EXPECT_FALSE(PeerSeesCut(pair.client.get(), absl::Milliseconds(400)));
  EXPECT_EQ(watch.cut(), 0u);
}

TEST(WriteWatchTest, AWriteWithoutDeadlineIsCutOnlyAtShutdown) {
  WriteWatch watch(absl::Milliseconds(10));
  Pair pair = Connected();
  WriteWatch::Watched held =
      watch.Watch(pair.server.get(), absl::InfiniteFuture());
  EXPECT_FALSE(PeerSeesCut(pair.client.get(), absl::Milliseconds(300)));
  watch.BeginShutdown(absl::Now() + absl::Milliseconds(50));
  EXPECT_TRUE(PeerSeesCut(pair.client.get(), absl::Seconds(5)));
  EXPECT_EQ(watch.cut(), 1u);
}

TEST(WriteWatchTest, AnEarlierDeadlineWakesTheWatch) {
  // The first write waits for shutdown; the second, arriving later with a
  // short deadline, is cut on time, not when the first gives up.
  WriteWatch watch(absl::Milliseconds(10));
  Pair idle = Connected();
  Pair late = Connected();
  WriteWatch::Watched first =
      watch.Watch(idle.server.get(), absl::InfiniteFuture());
  absl::SleepFor(absl::Milliseconds(50));
  WriteWatch::Watched second =
      watch.Watch(late.server.get(), absl::Now() + absl::Milliseconds(50));
  EXPECT_TRUE(PeerSeesCut(late.client.get(), absl::Seconds(2)));
  EXPECT_FALSE(PeerSeesCut(idle.client.get(), absl::Milliseconds(100)));
}

TEST(WriteWatchTest, AConnectionWithoutFdIsNotWatched) {
  WriteWatch watch(absl::Milliseconds(1));
  WriteWatch::Watched held = watch.Watch(-1, absl::InfinitePast());
  watch.BeginShutdown(absl::Now());
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(watch.cut(), 0u);
}

}  // namespace
}  // namespace bpfwarden::api
