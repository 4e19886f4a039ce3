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
#include "daemon/base/notifier.h"
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

  // A reader that is told, rather than waits: while its listener lives,
  // `ready` runs after every Append and at Close, on the appending thread
  // (see Notifier). The channel must outlive the listener.
  using Listener = Notifier::Listener;
  std::unique_ptr<Listener> Listen(std::function<void()> ready) {
    return listeners_.Listen(std::move(ready));
  }

 private:

  const size_t backlog_;
  absl::Mutex mu_;
  std::deque<BpfLogEntry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t last_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Its callbacks take mu_ (Read): never notified with mu_ held.
  Notifier listeners_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_BPF_LOG_CHANNEL_H_
