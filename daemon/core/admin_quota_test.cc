// AdminQuotas: defaults for unset quotas, the widest of several rules, the
// map bytes counted, and a refusal that names the quota, its value and the
// total the set would reach.
#include "daemon/core/admin_quota.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(AdminQuotaTest, UnsetQuotasTakeTheDefaults) {
  const AdminQuotas q = AdminQuotas::WithDefaults(0, 5, 0, 0);
  EXPECT_EQ(q.max_sets, 8u);
  EXPECT_EQ(q.max_maps, 5u);
  EXPECT_EQ(q.max_map_bytes, uint64_t{256} << 20);
  EXPECT_EQ(q.max_saved_objects, 8u);
}

TEST(AdminQuotaTest, WidestTakesEachLargest) {
  const AdminQuotas a = AdminQuotas::WithDefaults(1, 100, 10, 1);
  const AdminQuotas w = a.Widest(AdminQuotas::WithDefaults(20, 2, 0, 3));
  EXPECT_EQ(w.max_sets, 20u);
  EXPECT_EQ(w.max_maps, 100u);
  EXPECT_EQ(w.max_map_bytes, AdminQuotas::kDefaultMaxMapBytes);
  EXPECT_EQ(w.max_saved_objects, 3u);
}

TEST(AdminQuotaTest, MapBytes) {
  EXPECT_EQ(MapBytes(4, 8, 1024), 12u * 1024);
  // Ring buffers: sized in bytes by max_entries.
  EXPECT_EQ(MapBytes(0, 0, 4096), 4096u);
  // No overflow in 32 bits.
  EXPECT_EQ(MapBytes(1 << 20, 1 << 20, 1 << 20), uint64_t{1} << 41);
}

TEST(AdminQuotaTest, CheckNamesTheQuotaPassed) {
  const AdminQuotas q = AdminQuotas::WithDefaults(2, 10, 1000, 2);
  const QuotaUsage held{1, 4, 400, 1};
  EXPECT_TRUE(CheckQuotas(q, held, {1, 6, 600, 1}, "uid:5", "s").ok());
  EXPECT_THAT(CheckQuotas(q, held, {1, 7, 0, 0}, "uid:5", "s"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "quota of uid:5: max_maps is 10, and set s would make "
                       "it 11 (4 held)"));
  EXPECT_THAT(CheckQuotas(q, held, {0, 0, 601, 0}, "uid:5", "s"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "max_map_bytes is 1000, and set s would make it 1001"));
  EXPECT_THAT(CheckQuotas(q, {2, 0, 0, 0}, {1, 0, 0, 0}, "cert:CN=a", "s"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "quota of cert:CN=a: max_sets is 2"));
  EXPECT_THAT(
      CheckQuotas(q, held, {0, 0, 0, 2}, "uid:5", "s"),
      StatusIs(absl::StatusCode::kResourceExhausted, "max_saved_objects is 2"));
  // A principal already over (a quota lowered since) may still add what
  // the quota does not count.
  EXPECT_TRUE(CheckQuotas(q, {9, 0, 0, 0}, {0, 1, 0, 0}, "uid:5", "s").ok());
}

}  // namespace
}  // namespace bpfwarden
