#include "daemon/core/cgroup.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(ParseCgroup2MountTest, FindsHybridMount) {
  constexpr char kHybrid[] =
      "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n"
      "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n"
      "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n";
  auto mount = ParseCgroup2Mount(kHybrid);
  ASSERT_TRUE(mount.ok()) << mount.status();
  EXPECT_EQ(*mount, "/sys/fs/cgroup/unified");
}

TEST(ParseCgroup2MountTest, FindsUnifiedMount) {
  auto mount = ParseCgroup2Mount(
      "proc /proc proc rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n");
  ASSERT_TRUE(mount.ok()) << mount.status();
  EXPECT_EQ(*mount, "/sys/fs/cgroup");
}

TEST(ParseCgroup2MountTest, CgroupV1OnlyIsNotFound) {
  auto mount =
      ParseCgroup2Mount("cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n");
  EXPECT_THAT(mount, StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace bpfwarden

namespace bpfwarden {
namespace {

TEST(ResolveCgroup2DirTest, MissingAndNonCgroupPaths) {
  // /tmp exists, is absolute and outside any cgroup mount.
  absl::StatusOr<std::string> outside =
      ResolveCgroup2Dir("/tmp", "/tmp/nonexistent-mount");
  EXPECT_FALSE(outside.ok());
  absl::StatusOr<std::string> missing =
      ResolveCgroup2Dir("no/such/cgroup", "/tmp");
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
  // A plain directory is no cgroup.
  absl::StatusOr<std::string> plain = ResolveCgroup2Dir("/", "/tmp");
  EXPECT_THAT(plain, StatusIs(absl::StatusCode::kInvalidArgument,
                              "outside the cgroup v2"));
}

}  // namespace
}  // namespace bpfwarden
