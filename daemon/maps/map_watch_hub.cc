#include "daemon/maps/map_watch_hub.h"

#include "absl/strings/str_cat.h"
#include "daemon/maps/map_watch_feed.h"

namespace bpfwarden {

using watch_internal::Feed;
using watch_internal::Watcher;

MapWatchHub::Subscription::~Subscription() { feed_->Remove(watcher_); }

std::optional<WatchBatch> MapWatchHub::Subscription::Take(absl::Time now) {
  return watcher_->Take(now);
}

absl::Status MapWatchHub::CheckInterval(absl::Duration interval) const {
  if (interval < options_.min_interval || interval > options_.max_interval) {
    return absl::InvalidArgumentError(absl::StrCat(
        "watch interval ", absl::FormatDuration(interval), " is outside [",
        absl::FormatDuration(options_.min_interval), ", ",
        absl::FormatDuration(options_.max_interval), "]"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MapWatchHub::Subscription>>
MapWatchHub::Subscribe(std::shared_ptr<const TypedMap> map,
                       absl::Duration interval, std::function<void()> ready,
                       std::function<absl::Status()> check) {
  if (absl::Status s = CheckInterval(interval); !s.ok()) return s;
  auto watcher =
      std::make_shared<Watcher>(interval, options_.max_pending_changes,
                                std::move(ready), std::move(check));
  absl::MutexLock lock(&mu_);
  if (shut_down_) {
    return absl::UnavailableError("the daemon is shutting down");
  }
  ReapLocked();
  const uint32_t id = map->info().id;
  std::shared_ptr<Feed>& feed = feeds_[id];
  if (feed == nullptr || !feed->Add(watcher)) {
    if (feed != nullptr) retired_.push_back(std::move(feed));
    feed = std::make_shared<Feed>(this, std::move(map));
    feed->Add(watcher);
    feed->Start();
  }
  return std::unique_ptr<Subscription>(new Subscription(feed, watcher));
}

void MapWatchHub::ReapLocked() {
  for (auto it = feeds_.begin(); it != feeds_.end();) {
    if (it->second->done()) {
      retired_.push_back(std::move(it->second));
      it = feeds_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<std::shared_ptr<Feed>> running;
  for (auto& feed : retired_) {
    if (feed->done()) {
      feed->Join();
    } else {
      running.push_back(std::move(feed));
    }
  }
  retired_ = std::move(running);
}

void MapWatchHub::Shutdown() {
  std::vector<std::shared_ptr<Feed>> feeds;
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
    for (auto& [id, feed] : feeds_) feeds.push_back(std::move(feed));
    feeds_.clear();
    for (auto& feed : retired_) feeds.push_back(std::move(feed));
    retired_.clear();
  }
  const absl::Status why =
      absl::UnavailableError("the daemon is shutting down");
  for (auto& feed : feeds) feed->Stop(why);
}

}  // namespace bpfwarden
