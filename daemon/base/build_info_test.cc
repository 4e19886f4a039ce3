#include "daemon/base/build_info.h"

#include <string>

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

TEST(BuildInfoTest, ModeIsOneOfBazels) {
  const std::string mode = BuildMode();
  EXPECT_TRUE(mode == "opt" || mode == "fastbuild" || mode == "dbg") << mode;
}

TEST(BuildInfoTest, OptModeIsOptimized) {
  if (std::string(BuildMode()) == "opt") {
    EXPECT_TRUE(BuildOptimized());
  }
}

}  // namespace
}  // namespace bpfwarden
