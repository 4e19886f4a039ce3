// Failures gathered while working through a list of items (start-up,
// reconcile, shutdown) and returned together as one status.
#ifndef BPFWARDEN_DAEMON_BASE_STATUS_LIST_H_
#define BPFWARDEN_DAEMON_BASE_STATUS_LIST_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace bpfwarden {

class StatusList {
 public:
  struct Failure {
    std::string what;     // empty for Add
    absl::Status status;  // as it came, without `what`
  };

  // Logs a failure of `what` and keeps it with `what` prefixed to its
  // message. An OK status is ignored.
  void Note(const absl::Status& status, const std::string& what);
  // Keeps a failure as it is, without logging it. An OK status is ignored.
  void Add(const absl::Status& status);
  // OK when nothing failed; the failure itself when one did; otherwise the
  // first failure's code and every failure (code and message), joined with
  // "; ".
  absl::Status Joined() const;
  // Every failure kept, in order.
  const std::vector<Failure>& failures() const { return failures_; }

 private:
  std::vector<absl::Status> errors_;
  std::vector<Failure> failures_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_STATUS_LIST_H_
