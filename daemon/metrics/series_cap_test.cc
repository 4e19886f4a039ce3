#include "daemon/metrics/series_cap.h"

#include "gtest/gtest.h"

namespace bpfwarden::metrics {
namespace {

std::vector<std::string> Keys(const std::vector<Series>& s) {
  std::vector<std::string> keys;
  for (const Series& x : s) keys.push_back(x.key);
  return keys;
}

TEST(SeriesCapTest, UnderTheCapKeepsAllSortedByKey) {
  std::vector<Series> s = {{"c", 1}, {"a", 5}, {"b", 3}};
  EXPECT_EQ(CapSeries(s, 3), 0u);
  EXPECT_EQ(Keys(s), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SeriesCapTest, KeepsTheLargestValuesAndCountsTheRest) {
  std::vector<Series> s;
  for (int i = 0; i < 1000; ++i) {
    s.push_back({std::string(1, static_cast<char>('A' + i % 50)) +
                     std::to_string(i),
                 static_cast<double>(i)});
  }
  EXPECT_EQ(CapSeries(s, 10), 990u);
  ASSERT_EQ(s.size(), 10u);
  for (const Series& x : s) EXPECT_GE(x.value, 990);
  for (size_t i = 1; i < s.size(); ++i) EXPECT_LT(s[i - 1].key, s[i].key);
}

TEST(SeriesCapTest, TiesGoToTheSmallerKeyWhateverTheOrder) {
  std::vector<Series> s = {{"d", 1}, {"b", 1}, {"a", 1}, {"c", 1}, {"z", 2}};
  EXPECT_EQ(CapSeries(s, 3), 2u);
  EXPECT_EQ(Keys(s), (std::vector<std::string>{"a", "b", "z"}));
  std::vector<Series> t = {{"z", 2}, {"c", 1}, {"a", 1}, {"b", 1}, {"d", 1}};
  CapSeries(t, 3);
  EXPECT_EQ(Keys(t), (std::vector<std::string>{"a", "b", "z"}));
}

TEST(SeriesCapTest, ZeroCapDropsEverything) {
  std::vector<Series> s = {{"a", 1}, {"b", 2}};
  EXPECT_EQ(CapSeries(s, 0), 2u);
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace bpfwarden::metrics
