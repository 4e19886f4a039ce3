#include "daemon/maps/map_watch_feed.h"

#include <algorithm>

namespace bpfwarden::watch_internal {
namespace {

// Batches are due at most once per interval; a tick a little early (the
// map's dumps follow its fastest watcher) still counts.
constexpr absl::Duration kSlack = absl::Milliseconds(50);

}  // namespace

bool Watcher::Offer(uint64_t at, const std::shared_ptr<const MapSnapshot>& snap,
                    const std::shared_ptr<const ChangeList>& diff,
                    absl::Time now) {
  absl::MutexLock lock(&mu);
  if (!error.ok()) return false;
  latest = snap;
  tick = at;
  if (diff != nullptr && !diff->empty()) ++ticks;
  if (!resync && diff != nullptr && !diff->empty()) {
    if (pending == nullptr || pending->empty()) {
      pending = diff;  // shared with every caught-up watcher
    } else {
      pending = std::make_shared<const ChangeList>(Coalesce(*pending, *diff));
    }
    if (pending->size() > max_pending) {
      resync = true;  // the snapshot is the smaller message now
      pending.reset();
    }
  }
  bool has = resync || (pending != nullptr && !pending->empty());
  return has && now >= next_due;
}

bool Watcher::Fail(absl::Status status) {
  absl::MutexLock lock(&mu);
  if (!error.ok()) return false;
  error = std::move(status);
  return true;
}

std::optional<WatchBatch> Watcher::Take(absl::Time now) {
  absl::MutexLock lock(&mu);
  WatchBatch batch;
  if (!error.ok()) {
    batch.error = error;
    return batch;
  }
  if (now < next_due || latest == nullptr) return std::nullopt;
  if (resync) {
    batch.full = true;
    batch.snapshot = latest;
  } else if (pending != nullptr && !pending->empty()) {
    batch.changes = std::move(pending);
  } else {
    return std::nullopt;
  }
  resync = false;
  pending.reset();
  batch.tick = tick;
  batch.ticks_covered = std::max<uint64_t>(ticks, 1);
  ticks = 0;
  next_due = now + interval - kSlack;
  return batch;
}

Feed::~Feed() { Join(); }

void Feed::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Feed::Join() {
  if (thread_.joinable()) thread_.join();
}

bool Feed::Add(const std::shared_ptr<Watcher>& watcher) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  watchers_.push_back(watcher);
  absl::MutexLock w(&watcher->mu);
  watcher->latest = snapshot_;
  watcher->tick = tick_;
  return true;
}

void Feed::Remove(const std::shared_ptr<Watcher>& watcher) {
  {
    absl::MutexLock lock(&mu_);
    watchers_.erase(std::remove(watchers_.begin(), watchers_.end(), watcher),
                    watchers_.end());
  }
  {
    absl::MutexLock w(&watcher->mu);
    watcher->removed = true;
  }
  // Waits for a `ready` or `check` call in progress; later ones see
  // `removed`.
  absl::MutexLock barrier(&deliver_mu_);
}

void Feed::Stop(const absl::Status& why) {
  std::vector<std::shared_ptr<Watcher>> failed;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (const auto& w : watchers_) {
      if (w->Fail(why)) failed.push_back(w);
    }
  }
  Deliver(failed);
  Join();
}

void Feed::Deliver(const std::vector<std::shared_ptr<Watcher>>& ready) {
  absl::MutexLock barrier(&deliver_mu_);
  for (const auto& w : ready) {
    bool removed;
    {
      absl::MutexLock lock(&w->mu);
      removed = w->removed;
    }
    if (!removed) w->ready();
  }
}

void Feed::Check(const std::vector<std::shared_ptr<Watcher>>& current,
                 std::vector<std::shared_ptr<Watcher>>& failed) {
  // Under the delivery barrier, as `ready` calls are: a watcher removed
  // since `current` was copied is skipped, and Remove waits for a check in
  // progress. Its owner, whose state the check reads, may be gone after.
  absl::MutexLock barrier(&deliver_mu_);
  for (const auto& w : current) {
    if (!w->check) continue;
    {
      absl::MutexLock lock(&w->mu);
      if (w->removed) continue;
    }
    if (absl::Status s = w->check(); !s.ok() && w->Fail(std::move(s))) {
      failed.push_back(w);
    }
  }
}

void Feed::Run() {
  absl::Time next = absl::Now();
  while (true) {
    absl::Duration interval;
    std::vector<std::shared_ptr<Watcher>> current;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithDeadline(absl::Condition(this, &Feed::Idle), next);
      if (Idle()) {
        stopping_ = true;
        break;
      }
      interval = watchers_.front()->interval;
      for (const auto& w : watchers_)
        interval = std::min(interval, w->interval);
      current = watchers_;
    }
    const absl::Time started = absl::Now();
    // No lock is held while the kernel is read.
    auto snapshot = TakeSnapshot(*map_);
    hub_->dumps_.fetch_add(1, std::memory_order_relaxed);
    std::vector<std::shared_ptr<Watcher>> ready;
    // Watches whose map is gone end here.
    Check(current, ready);
    const absl::Time now = absl::Now();
    {
      absl::MutexLock lock(&mu_);
      if (!snapshot.ok()) {
        stopping_ = true;
        for (const auto& w : watchers_) {
          if (w->Fail(snapshot.status())) ready.push_back(w);
        }
      } else {
        std::shared_ptr<const ChangeList> diff;
        if (snapshot_ != nullptr) {
          diff =
              std::make_shared<const ChangeList>(Diff(*snapshot_, **snapshot));
        }
        snapshot_ = *snapshot;
        ++tick_;
        for (const auto& w : watchers_) {
          if (w->Offer(tick_, snapshot_, diff, now)) ready.push_back(w);
        }
      }
    }
    Deliver(ready);
    if (!snapshot.ok()) break;
    next = std::max(started + interval, absl::Now());
  }
  {
    // The hub keeps a finished feed until its next Subscribe: not its
    // last snapshot, which may be as large as the map.
    absl::MutexLock lock(&mu_);
    snapshot_.reset();
  }
  done_.store(true);
}

}  // namespace bpfwarden::watch_internal
