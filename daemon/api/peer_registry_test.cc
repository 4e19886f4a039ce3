#include "daemon/api/peer_registry.h"

#include <sys/socket.h>
#include <unistd.h>

#include "daemon/api/caller.h"
#include "gtest/gtest.h"

namespace bpfwarden::api {
namespace {

policy::Identity Uid(uid_t uid) {
  policy::Identity who;
  who.kind = policy::Identity::Kind::kUnix;
  who.uid = uid;
  return who;
}

TEST(PeerRegistryTest, LookupFindsTheRegisteredConnection) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  PeerRegistry peers;
  ASSERT_TRUE(peers.Register(fds[0], Uid(1000)));
  auto who = peers.Lookup(fds[0]);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->uid, 1000u);
  EXPECT_FALSE(peers.Lookup(fds[1]).has_value());  // never registered
  close(fds[0]);
  close(fds[1]);
}

TEST(PeerRegistryTest, AClosedFdReusedByAnotherSocketIsNotTrusted) {
  int a[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
  PeerRegistry peers;
  ASSERT_TRUE(peers.Register(a[0], Uid(0)));
  int reused = a[0];
  close(a[0]);
  close(a[1]);
  // The next socket gets the lowest free numbers again: the old entry must
  // not vouch for it.
  int b[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
  ASSERT_TRUE(b[0] == reused || b[1] == reused);
  EXPECT_FALSE(peers.Lookup(reused).has_value());
  // Registering the new connection replaces the stale entry.
  ASSERT_TRUE(peers.Register(reused, Uid(65534)));
  EXPECT_EQ(peers.Lookup(reused)->uid, 65534u);
  EXPECT_EQ(peers.size(), 1u);
  close(b[0]);
  close(b[1]);
}

TEST(PeerRegistryTest, AClosedFdReusedByAFileIsNotTrusted) {
  int a[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
  PeerRegistry peers;
  ASSERT_TRUE(peers.Register(a[0], Uid(0)));
  int reused = a[0];
  close(a[0]);
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  ASSERT_EQ(p[0], reused);
  EXPECT_FALSE(peers.Lookup(reused).has_value());
  EXPECT_FALSE(peers.Register(reused, Uid(0)));  // not a socket
  close(p[0]);
  close(p[1]);
  close(a[1]);
}

TEST(CallerTest, FdOfPeer) {
  EXPECT_EQ(FdOfPeer("fd:12"), 12);
  EXPECT_EQ(FdOfPeer("fd:0"), 0);
  EXPECT_EQ(FdOfPeer("fd:"), -1);
  EXPECT_EQ(FdOfPeer("fd:-3"), -1);
  EXPECT_EQ(FdOfPeer("fd:1x"), -1);
  EXPECT_EQ(FdOfPeer("ipv4:127.0.0.1:5"), -1);
  EXPECT_EQ(FdOfPeer("unix:/run/x"), -1);
}

}  // namespace
}  // namespace bpfwarden::api
