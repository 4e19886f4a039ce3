#include "daemon/base/notifier.h"

namespace bpfwarden {

std::unique_ptr<Notifier::Listener> Notifier::Listen(
    std::function<void()> callback) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_++;
  callbacks_.emplace(id, std::move(callback));
  return std::make_unique<Listener>(this, id);
}

void Notifier::Remove(uint64_t id) {
  absl::MutexLock lock(&mu_);
  callbacks_.erase(id);
}

void Notifier::Notify() {
  absl::MutexLock lock(&mu_);
  for (const auto& [id, callback] : callbacks_) callback();
}

}  // namespace bpfwarden
