#include "daemon/api/denial_limit.h"

namespace bpfwarden::api {

bool DenialLimit::Admit(const std::string& principal, absl::Time now,
                        uint64_t* suppressed) {
  absl::MutexLock lock(&mu_);
  // Principals are few (uids, certificates); forget quiet ones now and then.
  if (states_.size() > 4096) {
    for (auto it = states_.begin(); it != states_.end();) {
      const bool quiet =
          now - it->second.window_start > window_ && it->second.suppressed == 0;
      it = quiet ? states_.erase(it) : std::next(it);
    }
  }
  State& state = states_[principal];
  if (now - state.window_start > window_) {
    state.window_start = now;
    state.written = 0;
  }
  if (state.written >= burst_) {
    ++state.suppressed;
    return false;
  }
  ++state.written;
  *suppressed = state.suppressed;
  state.suppressed = 0;
  return true;
}

}  // namespace bpfwarden::api
