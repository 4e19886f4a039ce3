// Caps on concurrent server streams, overall and per principal, so that
// clients that stop reading cannot hold every serving thread.
#ifndef BPFWARDEN_DAEMON_API_STREAM_SLOTS_H_
#define BPFWARDEN_DAEMON_API_STREAM_SLOTS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace bpfwarden::api {

class StreamSlots {
 public:
  StreamSlots(size_t max_total, size_t max_per_principal)
      : max_total_(max_total), max_per_principal_(max_per_principal) {}

  // Held for the stream's life; releases its slot when destroyed.
  class Slot {
   public:
    Slot(StreamSlots* owner, std::string principal)
        : owner_(owner), principal_(std::move(principal)) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { owner_->Release(principal_); }

   private:
    StreamSlots* owner_;
    std::string principal_;
  };

  // A slot, or RESOURCE_EXHAUSTED naming which limit was reached.
  absl::StatusOr<std::unique_ptr<Slot>> Acquire(const std::string& principal);

  size_t active() const;

 private:
  void Release(const std::string& principal);

  const size_t max_total_;
  const size_t max_per_principal_;
  mutable absl::Mutex mu_;
  size_t total_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, size_t> per_principal_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_STREAM_SLOTS_H_
