// Internals of MapWatchHub: one Feed (a thread) per watched map, dumping
// it each interval and handing the changes to its Watchers.
#ifndef BPFWARDEN_DAEMON_MAPS_MAP_WATCH_FEED_H_
#define BPFWARDEN_DAEMON_MAPS_MAP_WATCH_FEED_H_

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "daemon/maps/map_watch_hub.h"

namespace bpfwarden::watch_internal {

// One watcher's pending state, guarded by its own mutex so that taking a
// batch never waits for a dump.
struct Watcher {
  Watcher(absl::Duration interval, size_t max_pending,
          std::function<void()> ready, std::function<absl::Status()> check)
      : interval(interval),
        max_pending(max_pending),
        ready(std::move(ready)),
        check(std::move(check)) {}

  // A dump's outcome; whether the watcher now has something due.
  bool Offer(uint64_t tick, const std::shared_ptr<const MapSnapshot>& latest,
             const std::shared_ptr<const ChangeList>& diff, absl::Time now);
  bool Fail(absl::Status status);
  std::optional<WatchBatch> Take(absl::Time now);

  const absl::Duration interval;
  const size_t max_pending;
  const std::function<void()> ready;
  const std::function<absl::Status()> check;  // may be empty

  absl::Mutex mu;
  bool removed ABSL_GUARDED_BY(mu) = false;
  absl::Status error ABSL_GUARDED_BY(mu);
  bool resync ABSL_GUARDED_BY(mu) = true;  // the first batch is full
  std::shared_ptr<const MapSnapshot> latest ABSL_GUARDED_BY(mu);
  std::shared_ptr<const ChangeList> pending ABSL_GUARDED_BY(mu);
  uint64_t tick ABSL_GUARDED_BY(mu) = 0;
  uint64_t ticks ABSL_GUARDED_BY(mu) = 0;  // with changes, since the last batch
  absl::Time next_due ABSL_GUARDED_BY(mu) = absl::InfinitePast();
};

class Feed {
 public:
  Feed(MapWatchHub* hub, std::shared_ptr<const TypedMap> map)
      : hub_(hub), map_(std::move(map)) {}
  ~Feed();

  void Start();
  // False when the feed is already stopping (make another).
  bool Add(const std::shared_ptr<Watcher>& watcher);
  void Remove(const std::shared_ptr<Watcher>& watcher);
  // Every watcher gets `why`; the thread ends and is joined.
  void Stop(const absl::Status& why);
  bool done() const { return done_.load(); }
  void Join();

 private:
  void Run();
  bool Idle() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stopping_ || watchers_.empty();
  }
  // Calls `ready` of each (that is still subscribed).
  void Deliver(const std::vector<std::shared_ptr<Watcher>>& ready);
  // Calls `check` of each (that is still subscribed); those that fail it
  // and so have their error due go to `failed`.
  void Check(const std::vector<std::shared_ptr<Watcher>>& current,
             std::vector<std::shared_ptr<Watcher>>& failed);

  MapWatchHub* const hub_;
  const std::shared_ptr<const TypedMap> map_;
  std::thread thread_;
  std::atomic<bool> done_{false};

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::shared_ptr<Watcher>> watchers_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const MapSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  uint64_t tick_ ABSL_GUARDED_BY(mu_) = 0;
  // Held while calling watchers' `ready` and `check`, so that Remove can
  // wait for them.
  absl::Mutex deliver_mu_;
};

}  // namespace bpfwarden::watch_internal

#endif  // BPFWARDEN_DAEMON_MAPS_MAP_WATCH_FEED_H_
