// The CLI's pinned-map listing against real pins.
#include "client/pinned_maps.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "daemon/base/unique_fd.h"
#include "gtest/gtest.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/scoped_pin_dir.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(PinnedMapsTest, ListsMapsWithTheirLayout) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = testing::ScopedPinDir::Create("pinned-maps");
  ASSERT_TRUE(pins.ok()) << pins.status();
  UniqueFd map(
      bpf_map_create(BPF_MAP_TYPE_HASH, "cli_test", 8, 16, 32, nullptr));
  ASSERT_TRUE(map.valid());
  ASSERT_EQ(bpf_obj_pin(map.get(), (pins->path() + "/cli_test").c_str()), 0);

  auto maps = ListPinnedMaps(pins->path());
  ASSERT_TRUE(maps.ok()) << maps.status();
  ASSERT_EQ(maps->size(), 1u);
  const PinnedMap& m = maps->front();
  EXPECT_EQ(m.path, pins->path() + "/cli_test");
  EXPECT_EQ(m.name, "cli_test");
  EXPECT_EQ(m.type, BPF_MAP_TYPE_HASH);
  EXPECT_EQ(m.key_size, 8u);
  EXPECT_EQ(m.value_size, 16u);
  EXPECT_EQ(m.max_entries, 32u);
}

TEST(PinnedMapsTest, MissingRootIsNotFound) {
  auto maps = ListPinnedMaps("/sys/fs/bpf/bpfwarden-test-does-not-exist");
  EXPECT_THAT(maps, StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace bpfwarden
