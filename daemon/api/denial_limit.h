// Rate limit on AUDIT denial records, per principal, so that one caller's
// flood of refused calls cannot push other users' records out of
// journald's rate limit. What is dropped is counted and reported with the
// next record written for that principal.
#ifndef BPFWARDEN_DAEMON_API_DENIAL_LIMIT_H_
#define BPFWARDEN_DAEMON_API_DENIAL_LIMIT_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bpfwarden::api {

class DenialLimit {
 public:
  // At most `burst` records per principal in each `window`.
  explicit DenialLimit(int burst = 20,
                       absl::Duration window = absl::Seconds(10))
      : burst_(burst), window_(window) {}

  // Whether to write a denial record for `principal` at `now`. When true,
  // `*suppressed` is how many of its records were dropped since the last
  // one written.
  bool Admit(const std::string& principal, absl::Time now,
             uint64_t* suppressed);

 private:
  struct State {
    absl::Time window_start;
    int written = 0;
    uint64_t suppressed = 0;
  };
  const int burst_;
  const absl::Duration window_;
  absl::Mutex mu_;
  std::map<std::string, State> states_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_DENIAL_LIMIT_H_
