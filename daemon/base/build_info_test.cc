#include "daemon/base/build_info.h"

#include <string>

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

TEST(BuildInfoTest, ModeIsOneOfBazels) {
  const std::string mode = BuildMode();
  EXPECT_TRUE(mode == "opt" || mode == "fastbuild" || mode == "dbg") << mode;
}

// This file is compiled with the same flags as build_info.cc: what the
// compiler did here is what BuildOptimized must report. (`-c opt` always
// optimizes; the ASan build optimizes a fastbuild at -O1.)
constexpr bool kThisFileOptimized =
#ifdef __OPTIMIZE__
    true;
#else
    false;
#endif

TEST(BuildInfoTest, OptimizedIsWhatTheCompilerDid) {
  EXPECT_EQ(BuildOptimized(), kThisFileOptimized);
  if (std::string(BuildMode()) == "opt") EXPECT_TRUE(kThisFileOptimized);
}

}  // namespace
}  // namespace bpfwarden
