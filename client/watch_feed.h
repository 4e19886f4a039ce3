// The contents of a watched map as the daemon's Maps.Watch stream reports
// them: a thread reads the stream and applies each tick's changes (or the
// whole contents, first and after a restart), so `watch` can take the map's
// state every interval without dumping it over the API.
#ifndef BPFWARDEN_CLIENT_WATCH_FEED_H_
#define BPFWARDEN_CLIENT_WATCH_FEED_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "client/map_source.h"

namespace bpfwarden::cli {

// One map state: each entry's value JSON text by its key JSON text, as a
// dump's JSON lines have them.
using Snapshot = absl::flat_hash_map<std::string, std::string>;

class WatchFeed {
 public:
  // Reads `watch` in a thread; returns once its first message (the whole
  // contents) is in, or with the stream's error if it ended before
  // (Unimplemented: the daemon has no Maps.Watch).
  static absl::StatusOr<std::unique_ptr<WatchFeed>> Start(
      std::unique_ptr<MapWatch> watch);
  ~WatchFeed();  // cancels the stream and joins the thread
  WatchFeed(const WatchFeed&) = delete;
  WatchFeed& operator=(const WatchFeed&) = delete;

  // The contents as of the last tick the daemon sent whole; the stream's
  // error once it ended.
  absl::StatusOr<Snapshot> Latest();

 private:
  explicit WatchFeed(std::unique_ptr<MapWatch> watch);
  void Loop();
  absl::Status Apply(const v1::WatchResponse& message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::unique_ptr<MapWatch> watch_;
  absl::Mutex mu_;
  Snapshot building_ ABSL_GUARDED_BY(mu_);  // current_ plus a split tick's
  Snapshot current_ ABSL_GUARDED_BY(mu_);
  bool in_tick_ ABSL_GUARDED_BY(mu_) = false;  // more of a tick to come
  bool have_first_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status end_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_WATCH_FEED_H_
