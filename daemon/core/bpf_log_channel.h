// One set's formatted BPF log records: a bounded backlog, replayed to each
// new reader, then followed. Thread-safe.
#ifndef BPFWARDEN_DAEMON_CORE_BPF_LOG_CHANNEL_H_
#define BPFWARDEN_DAEMON_CORE_BPF_LOG_CHANNEL_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/core/bpf_log_sink.h"

namespace bpfwarden {

class BpfLogChannel {
 public:
  explicit BpfLogChannel(size_t backlog) : backlog_(backlog) {}

  // Numbers `entry` (its seq) and keeps it, dropping the oldest beyond the
  // backlog.
  void Append(BpfLogEntry entry) ABSL_LOCKS_EXCLUDED(mu_);
  // No more records: readers get what is left, then an end.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);

  struct Batch {
    std::vector<BpfLogEntry> entries;
    bool closed = false;  // and nothing more will come
  };
  // The records with seq > *cursor still in the backlog, waiting up to
  // `wait` for one when there is none; advances *cursor. A cursor of 0
  // starts from the oldest kept record.
  Batch Read(uint64_t* cursor, absl::Duration wait) ABSL_LOCKS_EXCLUDED(mu_);

  // A reader that is told, rather than waits: while it lives, its `ready`
  // runs after every Append and at Close, on the appending thread. Once
  // it is destroyed `ready` is neither running nor called again. The
  // channel must outlive it.
  class Listener {
   public:
    Listener(BpfLogChannel* channel, uint64_t id)
        : channel_(channel), id_(id) {}
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    ~Listener() { channel_->Unlisten(id_); }

   private:
    BpfLogChannel* const channel_;
    const uint64_t id_;
  };
  // `ready` must not block, destroy its listener or call Listen.
  std::unique_ptr<Listener> Listen(std::function<void()> ready)
      ABSL_LOCKS_EXCLUDED(listeners_mu_);

 private:
  void Unlisten(uint64_t id) ABSL_LOCKS_EXCLUDED(listeners_mu_);
  void Notify() ABSL_LOCKS_EXCLUDED(listeners_mu_);

  const size_t backlog_;
  absl::Mutex mu_;
  std::deque<BpfLogEntry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t last_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Held while listeners run, so that Unlisten waits for a call in
  // progress. Taken before mu_ (Read), never after.
  absl::Mutex listeners_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  uint64_t next_listener_ ABSL_GUARDED_BY(listeners_mu_) = 1;
  std::map<uint64_t, std::function<void()>> listeners_
      ABSL_GUARDED_BY(listeners_mu_);
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_BPF_LOG_CHANNEL_H_
