// Shared watches of maps: one dump per interval per map, whatever the
// number of watchers, each watcher handed the changes since what it last
// took. Knows nothing of gRPC: an adapter subscribes with a callback that
// says "something is ready", and takes it when it can send.
#ifndef BPFWARDEN_DAEMON_MAPS_MAP_WATCH_HUB_H_
#define BPFWARDEN_DAEMON_MAPS_MAP_WATCH_HUB_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/maps/map_snapshot.h"
#include "daemon/maps/typed_map.h"

namespace bpfwarden {

struct WatchOptions {
  absl::Duration min_interval = absl::Milliseconds(100);
  absl::Duration max_interval = absl::Minutes(10);
  // A watcher behind by more changed keys than this is sent the whole
  // contents instead (from the map's one shared snapshot), so what a slow
  // watcher holds is bounded.
  size_t max_pending_changes = 4096;
};

// What a watcher takes: an error that ends the watch, the whole contents,
// or the changes since its last batch.
struct WatchBatch {
  absl::Status error;
  bool full = false;
  std::shared_ptr<const MapSnapshot> snapshot;  // full
  std::shared_ptr<const ChangeList> changes;    // !full
  uint64_t tick = 0;                            // the map's dump it reflects
  uint64_t ticks_covered = 0;  // dumps with changes folded into this one
};

namespace watch_internal {
class Feed;
struct Watcher;
}  // namespace watch_internal

class MapWatchHub {
 public:
  explicit MapWatchHub(WatchOptions options = {}) : options_(options) {}
  ~MapWatchHub() { Shutdown(); }
  MapWatchHub(const MapWatchHub&) = delete;
  MapWatchHub& operator=(const MapWatchHub&) = delete;

  // One watcher's place; leaving it (destroying it) unsubscribes, and once
  // the destructor returns `ready` is neither running nor called again.
  class Subscription {
   public:
    ~Subscription();
    // The batch due now, if any; after an error, that error every time.
    std::optional<WatchBatch> Take(absl::Time now = absl::Now());

   private:
    friend class MapWatchHub;
    Subscription(std::shared_ptr<watch_internal::Feed> feed,
                 std::shared_ptr<watch_internal::Watcher> watcher)
        : feed_(std::move(feed)), watcher_(std::move(watcher)) {}
    std::shared_ptr<watch_internal::Feed> feed_;
    std::shared_ptr<watch_internal::Watcher> watcher_;
  };

  // InvalidArgument naming the bounds when `interval` is outside them.
  absl::Status CheckInterval(absl::Duration interval) const;

  // Watches `map` every `interval` (the map's dumps follow its fastest
  // watcher; a slower one gets them coalesced). `ready` is called, from the
  // map's dumping thread or Shutdown, when Take has something: it must not
  // block and must not destroy the subscription. `check`, if given, runs
  // on the dumping thread each tick: an error ends this watch with it (the
  // map was unloaded, say). Unavailable after Shutdown.
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      std::shared_ptr<const TypedMap> map, absl::Duration interval,
      std::function<void()> ready,
      std::function<absl::Status()> check = nullptr);

  // Ends every watch with Unavailable and stops the dumping threads.
  void Shutdown();

  // Dumps made for watchers so far, all maps together.
  uint64_t dumps() const { return dumps_.load(std::memory_order_relaxed); }

 private:
  friend class watch_internal::Feed;
  // Joins the feeds whose thread has ended.
  void ReapLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const WatchOptions options_;
  std::atomic<uint64_t> dumps_{0};
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  // By kernel map id.
  std::map<uint32_t, std::shared_ptr<watch_internal::Feed>> feeds_
      ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<watch_internal::Feed>> retired_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_MAPS_MAP_WATCH_HUB_H_
