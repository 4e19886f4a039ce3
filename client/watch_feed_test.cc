#include "client/watch_feed.h"

#include <memory>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::cli {
namespace {

v1::Data Json(const std::string& text) {
  v1::Data d;
  d.set_json(text);
  return d;
}

v1::WatchChange Change(v1::WatchChange::Kind kind, const std::string& key,
                       const std::string& value) {
  v1::WatchChange c;
  c.set_kind(kind);
  *c.mutable_key() = Json(key);
  if (!value.empty()) *c.mutable_new_value() = Json(value);
  return c;
}

// Serves `messages`; before message `gate_at` waits for `open`; then ends
// with `end`, or, when `end` is OK, waits to be cancelled.
class FakeWatch : public MapWatch {
 public:
  std::vector<v1::WatchResponse> messages;
  size_t gate_at = SIZE_MAX;
  absl::Notification reached_gate, open, cancelled;
  absl::Status end;

  bool Read(v1::WatchResponse& out) override {
    if (next_ == gate_at) {
      reached_gate.Notify();
      open.WaitForNotification();
    }
    if (next_ < messages.size()) {
      out = messages[next_++];
      return true;
    }
    if (end.ok()) cancelled.WaitForNotification();
    return false;
  }
  absl::Status Finish() override {
    return end.ok() ? absl::CancelledError("cancelled") : end;
  }
  void Cancel() override {
    if (!cancelled.HasBeenNotified()) cancelled.Notify();
    if (!open.HasBeenNotified()) open.Notify();
  }

 private:
  size_t next_ = 0;
};

// Latest() once it equals `want`, or its last value after 10 s.
absl::StatusOr<Snapshot> Await(WatchFeed& feed, const Snapshot& want) {
  return testing::WaitForValue([&] { return feed.Latest(); },
                               [&](const absl::StatusOr<Snapshot>& got) {
                                 return got.ok() && *got == want;
                               },
                               10, 5)
      .last;
}

TEST(WatchFeedTest, AppliesTicksWholeEvenWhenSplitOverMessages) {
  auto watch = std::make_unique<FakeWatch>();
  FakeWatch* fake = watch.get();
  v1::WatchResponse full, part1, part2;
  full.set_full(true);
  *full.add_changes() = Change(v1::WatchChange::ADDED, "1", R"({ "n" : 10 })");
  *full.add_changes() = Change(v1::WatchChange::ADDED, "2", "20");
  part1.set_continued(true);
  *part1.add_changes() = Change(v1::WatchChange::CHANGED, "1", "11");
  *part2.add_changes() = Change(v1::WatchChange::REMOVED, "2", "");
  *part2.add_changes() = Change(v1::WatchChange::ADDED, "3", "30");
  fake->messages = {full, part1, part2};
  fake->gate_at = 2;
  absl::StatusOr<std::unique_ptr<WatchFeed>> feed =
      WatchFeed::Start(std::move(watch));
  ASSERT_TRUE(feed.ok()) << feed.status();
  // part1 is in (the feed asks for part2), but its tick is not whole yet.
  fake->reached_gate.WaitForNotification();
  EXPECT_EQ(*(*feed)->Latest(), (Snapshot{{"1", R"({"n":10})"}, {"2", "20"}}));
  fake->open.Notify();
  const Snapshot after = {{"1", "11"}, {"3", "30"}};
  EXPECT_EQ(*Await(**feed, after), after);
}

TEST(WatchFeedTest, WritesRawAsHexAndAnImplicitKeyAsNull) {
  auto watch = std::make_unique<FakeWatch>();
  v1::WatchResponse full;
  full.set_full(true);
  v1::WatchChange* raw = full.add_changes();
  raw->set_kind(v1::WatchChange::ADDED);
  raw->mutable_key()->set_raw(std::string("\x01\xab", 2));
  raw->mutable_new_value()->set_raw(std::string("\x00\xff", 2));
  v1::WatchChange* implicit = full.add_changes();
  implicit->set_kind(v1::WatchChange::ADDED);
  *implicit->mutable_new_value() = Json("[1, 2]");
  watch->messages = {full};
  absl::StatusOr<std::unique_ptr<WatchFeed>> feed =
      WatchFeed::Start(std::move(watch));
  ASSERT_TRUE(feed.ok()) << feed.status();
  EXPECT_EQ(*(*feed)->Latest(),
            (Snapshot{{R"("01ab")", R"("00ff")"}, {"null", "[1,2]"}}));
}

TEST(WatchFeedTest, ADaemonWithoutMapsWatchIsUnimplementedAtStart) {
  auto watch = std::make_unique<FakeWatch>();
  watch->end = absl::UnimplementedError("unknown method Watch");
  absl::StatusOr<std::unique_ptr<WatchFeed>> feed =
      WatchFeed::Start(std::move(watch));
  EXPECT_TRUE(absl::IsUnimplemented(feed.status())) << feed.status();
}

TEST(WatchFeedTest, AStreamEndingAfterTheFirstTickReportsWhy) {
  auto watch = std::make_unique<FakeWatch>();
  v1::WatchResponse full;
  full.set_full(true);
  watch->messages = {full};
  watch->end = absl::NotFoundError("set unloaded; watch it again");
  absl::StatusOr<std::unique_ptr<WatchFeed>> feed =
      WatchFeed::Start(std::move(watch));
  ASSERT_TRUE(feed.ok()) << feed.status();
  // Once the stream has ended, Latest() says why.
  absl::StatusOr<Snapshot> latest =
      testing::WaitForValue([&] { return (*feed)->Latest(); },
                            [](const auto& got) { return !got.ok(); }, 10, 5)
          .last;
  EXPECT_TRUE(absl::IsNotFound(latest.status())) << latest.status();
}

}  // namespace
}  // namespace bpfwarden::cli
