// One read-handle request, decided: parsed, authorized (READ_HANDLE),
// limited per uid, the map opened read-only, audited and counted. No
// sockets here: HandleServer moves the bytes and the descriptor.
#ifndef BPFWARDEN_DAEMON_HANDLES_HANDOVER_H_
#define BPFWARDEN_DAEMON_HANDLES_HANDOVER_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "daemon/api/denial_limit.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/warden.h"
#include "daemon/handles/kernel_probe.h"
#include "daemon/metrics/handle_stats.h"
#include "daemon/policy/identity.h"
#include "daemon/policy/policy.h"
#include "bpfwarden/v1/handles.pb.h"

namespace bpfwarden::handles {

// The method name in audit records and errors.
inline constexpr char kMethod[] = "Handles.Open";

// The policy in force now (the API's, which SIGHUP replaces).
using PolicySource = std::function<std::shared_ptr<const policy::Policy>()>;

struct HandoverLimits {
  // Requests one non-root uid may make in a minute (granted or not, once
  // authorized); beyond: RESOURCE_EXHAUSTED until the minute is over.
  int per_uid_per_minute = 120;
};

struct Answer {
  v1::HandleResponse response;
  UniqueFd fd;  // valid with OK only
};

class Handover {
 public:
  // `stats` may be null. `warden` must outlive this.
  Handover(Warden* warden, PolicySource policy, HandleProbe probe,
           HandoverLimits limits, metrics::HandleStats* stats);

  // The answer to one request payload from `who`. Order: parse, authorize
  // (PERMISSION_DENIED whether or not the map exists, as the API), the
  // per-uid rate, the kernel probe, the map (NOT_FOUND naming only what
  // was asked), its type, the read-only descriptor. Every answer is
  // audited (refusals at most 20 per caller in 10 s, the rest counted in
  // the next record) and counted per uid.
  Answer Serve(const policy::Identity& who, absl::string_view payload);

  // A refusal outside any request (a frame too long, a sender too slow):
  // audited and counted like one, its response returned.
  v1::HandleResponse Refuse(const policy::Identity& who,
                            const absl::Status& status);

  const HandleProbe& probe() const { return probe_; }

 private:
  absl::Status Decide(const policy::Identity& who,
                      const v1::HandleRequest& request, Answer& answer);
  void Record(const policy::Identity& who, const policy::Resource* what,
              const absl::Status& outcome);

  Warden* const warden_;
  const PolicySource policy_;
  const HandleProbe probe_;
  metrics::HandleStats* const stats_;
  api::DenialLimit rate_;
  api::DenialLimit refusal_records_;
};

}  // namespace bpfwarden::handles

#endif  // BPFWARDEN_DAEMON_HANDLES_HANDOVER_H_
