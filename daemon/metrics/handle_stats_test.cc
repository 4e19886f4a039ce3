#include "daemon/metrics/handle_stats.h"

#include "gtest/gtest.h"

namespace bpfwarden::metrics {
namespace {

TEST(HandleStatsTest, CountsPerUidAndWritesThem) {
  HandleStats stats;
  stats.Record(1000, true);
  stats.Record(1000, false);
  stats.Record(1000, true);
  stats.Record(65534, false);
  const std::vector<HandleCount> rows = stats.Snapshot();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(*rows[0].uid, 1000u);
  EXPECT_EQ(rows[0].granted, 2u);
  EXPECT_EQ(rows[0].refused, 1u);
  EXPECT_EQ(*rows[1].uid, 65534u);
  EXPECT_EQ(rows[1].refused, 1u);
  TextWriter out;
  stats.Write(out);
  EXPECT_NE(out.text().find("bpfwarden_handle_handovers_total{uid=\"1000\","
                            "result=\"granted\"} 2\n"),
            std::string::npos)
      << out.text();
  EXPECT_NE(out.text().find("{uid=\"65534\",result=\"refused\"} 1\n"),
            std::string::npos);
}

TEST(HandleStatsTest, UidsPastTheCapShareOneRow) {
  HandleStats stats;
  for (uid_t uid = 0; uid < HandleStats::kMaxUids + 10; ++uid) {
    stats.Record(uid, true);
  }
  const std::vector<HandleCount> rows = stats.Snapshot();
  ASSERT_EQ(rows.size(), HandleStats::kMaxUids + 1);
  EXPECT_FALSE(rows.back().uid.has_value());
  EXPECT_EQ(rows.back().granted, 10u);
  TextWriter out;
  stats.Write(out);
  EXPECT_NE(out.text().find("{uid=\"other\",result=\"granted\"} 10\n"),
            std::string::npos);
}

}  // namespace
}  // namespace bpfwarden::metrics
