#include "daemon/core/names.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(NamesTest, SetNames) {
  EXPECT_TRUE(ValidateSetName("bpfwarden").ok());
  EXPECT_TRUE(ValidateSetName("a-b_C9").ok());
  for (const char* bad : {"", "..", "a/b", "../x", ".", "a b", "x\n"}) {
    absl::Status s = ValidateSetName(bad);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_FALSE(ValidateSetName(std::string(65, 'a')).ok());
}

TEST(NamesTest, AttachTypes) {
  EXPECT_EQ(*ParseCgroupAttachType("cgroup_sock_ops"), BPF_CGROUP_SOCK_OPS);
  EXPECT_EQ(*ParseCgroupAttachType("sock_ops"), BPF_CGROUP_SOCK_OPS);
  EXPECT_EQ(*ParseCgroupAttachType("egress"), BPF_CGROUP_INET_EGRESS);
  EXPECT_EQ(*ParseCgroupAttachType("cgroup_inet6_connect"),
            BPF_CGROUP_INET6_CONNECT);
  EXPECT_EQ(*ParseCgroupAttachType("cgroup_sysctl"), BPF_CGROUP_SYSCTL);
  absl::StatusOr<bpf_attach_type> bad = ParseCgroupAttachType("xdp");
  EXPECT_THAT(bad,
              StatusIs(absl::StatusCode::kInvalidArgument, "cgroup_sock_ops"));
}

TEST(NamesTest, ProgramFit) {
  EXPECT_TRUE(CheckProgramFits(BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS,
                               BPF_CGROUP_SOCK_OPS)
                  .ok());
  // cgroup_skb programs attach as ingress or egress whatever they expected.
  EXPECT_TRUE(CheckProgramFits(BPF_PROG_TYPE_CGROUP_SKB,
                               BPF_CGROUP_INET_INGRESS, BPF_CGROUP_INET_EGRESS)
                  .ok());
  absl::Status wrong = CheckProgramFits(
      BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, BPF_CGROUP_INET_INGRESS);
  EXPECT_THAT(wrong,
              StatusIs(absl::StatusCode::kInvalidArgument, "cgroup_skb"));
  absl::Status strict =
      CheckProgramFits(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT,
                       BPF_CGROUP_INET6_CONNECT);
  EXPECT_THAT(strict, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(NamesTest, AttachmentIdsAreStableAndDistinct) {
  std::string a =
      AttachmentId("s", "p", "/sys/fs/cgroup/x", BPF_CGROUP_SOCK_OPS);
  EXPECT_EQ(a, AttachmentId("s", "p", "/sys/fs/cgroup/x", BPF_CGROUP_SOCK_OPS));
  EXPECT_NE(a, AttachmentId("s", "p", "/sys/fs/cgroup/y", BPF_CGROUP_SOCK_OPS));
  EXPECT_NE(a, AttachmentId("s", "q", "/sys/fs/cgroup/x", BPF_CGROUP_SOCK_OPS));
  EXPECT_EQ(a.size(), 20u);
  EXPECT_EQ(a.substr(0, 4), "att-");
}

}  // namespace
}  // namespace bpfwarden

namespace bpfwarden {
namespace {

TEST(NamesTest, ObjectNames) {
  EXPECT_TRUE(ValidateObjectName("map", "tcp_stats").ok());
  EXPECT_TRUE(ValidateObjectName("map", ".rodata").ok());
  EXPECT_TRUE(ValidateObjectName("map", "tcp_stats", true).ok());
  for (const char* bad : {"", "../v/tcp_stats", "a/b", "x\ny", "x\x1b[0m"}) {
    EXPECT_THAT(ValidateObjectName("map", bad),
                testing::StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
  // A pinned map names a bpffs file: no dot (bpffs refuses it, and ".."
  // would leave the directory).
  EXPECT_THAT(ValidateObjectName("map", "..", true),
              testing::StatusIs(absl::StatusCode::kInvalidArgument, "pin"));
  EXPECT_FALSE(ValidateObjectName("program", std::string(256, 'a')).ok());
}

}  // namespace
}  // namespace bpfwarden
