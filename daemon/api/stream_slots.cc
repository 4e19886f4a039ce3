#include "daemon/api/stream_slots.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden::api {

absl::StatusOr<std::unique_ptr<StreamSlots::Slot>> StreamSlots::Acquire(
    const std::string& principal) {
  absl::MutexLock lock(&mu_);
  if (total_ >= max_total_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the server runs its maximum of ", max_total_,
                     " concurrent streams; retry later"));
  }
  size_t& mine = per_principal_[principal];
  if (mine >= max_per_principal_) {
    return absl::ResourceExhaustedError(
        absl::StrCat(principal, " already has ", mine,
                     " concurrent streams, the most one caller may hold"));
  }
  ++mine;
  ++total_;
  return std::make_unique<Slot>(this, principal);
}

void StreamSlots::Release(const std::string& principal) {
  absl::MutexLock lock(&mu_);
  --total_;
  auto it = per_principal_.find(principal);
  if (it != per_principal_.end() && --it->second == 0) {
    per_principal_.erase(it);
  }
}

size_t StreamSlots::active() const {
  absl::MutexLock lock(&mu_);
  return total_;
}

}  // namespace bpfwarden::api
