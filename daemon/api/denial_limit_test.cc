#include "daemon/api/denial_limit.h"

#include "gtest/gtest.h"

namespace bpfwarden::api {
namespace {

TEST(DenialLimitTest, BurstThenSuppressedThenCounted) {
  DenialLimit limit(3, absl::Seconds(10));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limit.Admit("uid:7", t0, &suppressed));
    EXPECT_EQ(suppressed, 0u);
  }
  for (int i = 0; i < 1000; ++i)
    EXPECT_FALSE(limit.Admit("uid:7", t0, &suppressed));
  // Another principal is not affected by the flood.
  EXPECT_TRUE(limit.Admit("uid:8", t0, &suppressed));
  EXPECT_EQ(suppressed, 0u);
  // The next window: written again, saying how many were dropped.
  EXPECT_TRUE(limit.Admit("uid:7", t0 + absl::Seconds(11), &suppressed));
  EXPECT_EQ(suppressed, 1000u);
  EXPECT_TRUE(limit.Admit("uid:7", t0 + absl::Seconds(11), &suppressed));
  EXPECT_EQ(suppressed, 0u);
}

}  // namespace
}  // namespace bpfwarden::api
