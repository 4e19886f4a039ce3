#include "daemon/api/stream_grant.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/policy/audit.h"

namespace bpfwarden::api {

StreamGrant::StreamGrant(const ApiContext& api, policy::Identity who,
                         policy::Operation op, policy::Resource what,
                         absl::string_view method)
    : api_(api),
      who_(std::move(who)),
      op_(op),
      what_(std::move(what)),
      method_(method) {}

absl::Status StreamGrant::Check() {
  if (!refused_.ok()) return refused_;
  std::shared_ptr<const policy::Policy> now = api_.policy();
  if (now == judged_) return absl::OkStatus();
  absl::Status allowed = now->Check(who_, op_, what_, method_);
  if (allowed.ok()) {
    judged_ = std::move(now);
    return allowed;
  }
  refused_ = absl::PermissionDeniedError(
      absl::StrCat(allowed.message(),
                   "; the policy was reloaded without this grant, so the "
                   "stream ends"));
  policy::Audit({&who_, method_, &what_, "", refused_});
  return refused_;
}

}  // namespace bpfwarden::api
