#include "daemon/metrics/scrape_cache.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace bpfwarden::metrics {
namespace {

class ScrapeCacheTest : public ::testing::Test {
 protected:
  ScrapeCache Make(absl::Duration interval) {
    return ScrapeCache(
        interval,
        [this](uint64_t n) {
          ++calls_;
          return absl::StrCat("rendering ", n);
        },
        [this] { return now_; });
  }

  absl::Duration now_ = absl::Seconds(1000);
  int calls_ = 0;
};

TEST_F(ScrapeCacheTest, ScrapesInsideTheIntervalShareOneRendering) {
  ScrapeCache cache = Make(absl::Seconds(5));
  EXPECT_EQ(cache.Get(), "rendering 1");
  now_ += absl::Milliseconds(4999);
  EXPECT_EQ(cache.Get(), "rendering 1");
  EXPECT_EQ(calls_, 1);
  now_ += absl::Milliseconds(1);  // 5 s after the rendering began
  EXPECT_EQ(cache.Get(), "rendering 2");
  EXPECT_EQ(cache.Get(), "rendering 2");
  EXPECT_EQ(calls_, 2);
}

TEST_F(ScrapeCacheTest, ZeroIntervalRendersEveryScrape) {
  ScrapeCache cache = Make(absl::ZeroDuration());
  EXPECT_EQ(cache.Get(), "rendering 1");
  EXPECT_EQ(cache.Get(), "rendering 2");
  EXPECT_EQ(calls_, 2);
}

TEST_F(ScrapeCacheTest, TheIntervalCountsFromTheRenderingsStart) {
  ScrapeCache cache(
      absl::Seconds(5),
      [this](uint64_t n) {
        now_ += absl::Seconds(3);  // a slow rendering
        return absl::StrCat("rendering ", n);
      },
      [this] { return now_; });
  EXPECT_EQ(cache.Get(), "rendering 1");
  now_ += absl::Seconds(2);  // 5 s after it began, 2 s after it ended
  EXPECT_EQ(cache.Get(), "rendering 2");
}

}  // namespace
}  // namespace bpfwarden::metrics
