// Warden checks that need no kernel; the rest is in tests/core/.
#include "daemon/core/warden.h"

#include <cstdlib>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(WardenTest, PinRootMustBeOnBpffs) {
  WardenOptions options;
  options.pin_root = std::string(std::getenv("TEST_TMPDIR")) + "/pins";
  options.state_dir = "";
  options.cgroup2_mount = "/sys/fs/cgroup";
  auto warden = Warden::Create(options);
  ASSERT_THAT(warden, StatusIs(absl::StatusCode::kFailedPrecondition))
      << warden.status();
  EXPECT_NE(warden.status().message().find("is not on a bpf filesystem"),
            std::string::npos);
}

}  // namespace
}  // namespace bpfwarden
