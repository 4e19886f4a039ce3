#include "daemon/policy/identity.h"

#include <sys/socket.h>
#include <unistd.h>

#include "daemon/policy/unix_identity.h"
#include "gtest/gtest.h"

namespace bpfwarden::policy {
namespace {

TEST(IdentityTest, PeerIdentityOfASocketPairIsOurselves) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  auto id = PeerIdentity(fds[0]);
  close(fds[0]);
  close(fds[1]);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->kind, Identity::Kind::kUnix);
  EXPECT_EQ(id->uid, getuid());
  EXPECT_EQ(id->gid, getgid());
  EXPECT_EQ(id->pid, getpid());
  ASSERT_FALSE(id->groups.empty());
  EXPECT_EQ(id->groups[0], getgid());
}

TEST(IdentityTest, PeerIdentityOfANonSocketFails) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  auto id = PeerIdentity(fds[0]);
  close(fds[0]);
  close(fds[1]);
  EXPECT_FALSE(id.ok());
}

TEST(IdentityTest, RootHasNameAndGroups) {
  Identity root = UnixIdentity(0, 0, 1);
  EXPECT_TRUE(root.IsRoot());
  EXPECT_EQ(root.user, "root");
  EXPECT_EQ(root.groups.front(), 0u);
  EXPECT_NE(std::find(root.group_names.begin(), root.group_names.end(), "root"),
            root.group_names.end());
  EXPECT_EQ(root.Describe(), "uid:0(root) gid:0 pid:1");
  EXPECT_EQ(root.Principal(), "uid:0");
}

TEST(IdentityTest, UnknownUidHasOnlyItsPrimaryGroup) {
  Identity id = UnixIdentity(4000000001u, 4000000002u, 7);
  EXPECT_FALSE(id.IsRoot());
  EXPECT_TRUE(id.user.empty());
  EXPECT_EQ(id.groups, std::vector<gid_t>{4000000002u});
  EXPECT_EQ(id.Describe(), "uid:4000000001 gid:4000000002 pid:7");
}

TEST(IdentityTest, CertificateDescription) {
  Identity id;
  id.kind = Identity::Kind::kCertificate;
  id.cert_subject = "CN=ops,O=example";
  EXPECT_FALSE(id.IsRoot());
  EXPECT_EQ(id.Describe(), "cert:CN=ops,O=example");
  EXPECT_EQ(id.Principal(), "cert:CN=ops,O=example");
}

}  // namespace
}  // namespace bpfwarden::policy
