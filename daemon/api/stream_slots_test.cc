#include "daemon/api/stream_slots.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::api {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(StreamSlotsTest, PerPrincipalAndTotalCaps) {
  StreamSlots slots(/*max_total=*/3, /*max_per_principal=*/2);
  auto a1 = slots.Acquire("uid:1");
  auto a2 = slots.Acquire("uid:1");
  ASSERT_TRUE(a1.ok() && a2.ok());
  auto a3 = slots.Acquire("uid:1");
  EXPECT_THAT(a3, StatusIs(absl::StatusCode::kResourceExhausted,
                           "uid:1 already has 2"));
  auto b1 = slots.Acquire("uid:2");
  ASSERT_TRUE(b1.ok());
  auto b2 = slots.Acquire("uid:2");  // total reached
  EXPECT_THAT(b2, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(slots.active(), 3u);
  a1->reset();  // released
  EXPECT_EQ(slots.active(), 2u);
  EXPECT_TRUE(slots.Acquire("uid:1").ok());  // temporary: released again
  EXPECT_EQ(slots.active(), 2u);
}

}  // namespace
}  // namespace bpfwarden::api
