// The grant a long call (Maps.Dump, Maps.Watch, Logs.Tail) was authorized
// with, asked again while the call goes on: once a reloaded policy no longer
// grants it, the call ends with PERMISSION_DENIED.
#ifndef BPFWARDEN_DAEMON_API_STREAM_GRANT_H_
#define BPFWARDEN_DAEMON_API_STREAM_GRANT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "daemon/api/api_context.h"
#include "daemon/policy/identity.h"
#include "daemon/policy/policy.h"

namespace bpfwarden::api {

class StreamGrant {
 public:
  // `who` was authorized for `op` on `what` by `method`.
  StreamGrant(const ApiContext& api, policy::Identity who, policy::Operation op,
              policy::Resource what, absl::string_view method);

  // OK while the policy in force grants it. The policy is judged again only
  // when it was replaced since the last Check (a pointer compare otherwise).
  // A refusal is audited and comes back every time after. One thread at a
  // time.
  absl::Status Check();

 private:
  const ApiContext& api_;
  const policy::Identity who_;
  const policy::Operation op_;
  const policy::Resource what_;
  const std::string method_;
  std::shared_ptr<const policy::Policy> judged_;  // the policy last judged
  absl::Status refused_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_STREAM_GRANT_H_
