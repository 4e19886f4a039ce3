// Callbacks told that something happened (a log record appended, a policy
// reloaded), for readers that are told rather than wait: callback streams.
#ifndef BPFWARDEN_DAEMON_BASE_NOTIFIER_H_
#define BPFWARDEN_DAEMON_BASE_NOTIFIER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace bpfwarden {

class Notifier {
 public:
  // While it lives, its callback runs at every Notify, on the notifying
  // thread. Once it is destroyed the callback is neither running nor
  // called again. The notifier must outlive it.
  class Listener {
   public:
    Listener(Notifier* notifier, uint64_t id) : notifier_(notifier), id_(id) {}
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    ~Listener() { notifier_->Remove(id_); }

   private:
    Notifier* const notifier_;
    const uint64_t id_;
  };

  // `callback` must not block, destroy its listener or call Listen.
  std::unique_ptr<Listener> Listen(std::function<void()> callback)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Runs every listener's callback. The callbacks may take locks that are
  // never held while a listener is destroyed.
  void Notify() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Remove(uint64_t id) ABSL_LOCKS_EXCLUDED(mu_);

  // Held while callbacks run, so that Remove waits for a call in progress.
  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, std::function<void()>> callbacks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_NOTIFIER_H_
