#include "daemon/api/api_context.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/api/caller.h"

namespace bpfwarden::api {
namespace {

metrics::DenialClass DenialClassOf(policy::Operation op) {
  switch (op) {
    case policy::Operation::kRead:
    case policy::Operation::kReadHandle:
      return metrics::DenialClass::kRead;
    case policy::Operation::kWrite:
      return metrics::DenialClass::kWrite;
    case policy::Operation::kAdmin:
      break;
  }
  return metrics::DenialClass::kAdmin;
}

}  // namespace

ApiContext::ApiContext(Warden* warden, ApiLimits limits, policy::Policy policy)
    : warden_(warden),
      limits_(limits),
      started_(absl::Now()),
      streams_(limits.max_streams, limits.max_streams_per_principal),
      policy_(std::make_shared<const policy::Policy>(std::move(policy))),
      pages_("the Dump page queue", WorkPool::DefaultThreads() + 1,
             limits.max_streams),
      admin_("the ADMIN call queue", limits.admin_threads,
             limits.max_admin_waiting) {}

void ApiContext::SetPolicy(policy::Policy policy) {
  auto fresh = std::make_shared<const policy::Policy>(std::move(policy));
  {
    absl::MutexLock lock(&mu_);
    policy_ = std::move(fresh);
  }
  policy_changes_.Notify();
}

std::shared_ptr<const policy::Policy> ApiContext::policy() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

absl::StatusOr<policy::Identity> ApiContext::Caller(
    const grpc::ServerContextBase& ctx) const {
  return CallerIdentity(ctx, peers_);
}

bool ApiContext::Allows(const policy::Identity& who, policy::Operation op,
                        const policy::Resource& what) const {
  return policy()->Allows(who, op, what);
}

absl::StatusOr<policy::Identity> ApiContext::Authorize(
    const grpc::ServerContextBase& ctx, policy::Operation op,
    const policy::Resource& what, absl::string_view method,
    const std::string& keys) const {
  absl::StatusOr<policy::Identity> who = Caller(ctx);
  if (!who.ok()) {
    policy::Identity unknown;
    policy::Audit({&unknown, method, &what, keys, who.status()});
    if (stats_ != nullptr) {
      stats_->RecordDenial(metrics::DenialClass::kUnauthenticated);
    }
    return who.status();
  }
  absl::Status allowed = policy()->Check(*who, op, what, method);
  if (!allowed.ok()) {
    if (stats_ != nullptr) stats_->RecordDenial(DenialClassOf(op));
    uint64_t suppressed = 0;
    if (denials_.Admit(who->Principal(), absl::Now(), &suppressed)) {
      // The record's own result stays the caller's; the count rides along.
      absl::Status recorded = allowed;
      if (suppressed > 0) {
        recorded = absl::Status(
            allowed.code(),
            absl::StrCat(allowed.message(), " (", suppressed,
                         " more denials of this principal suppressed)"));
      }
      policy::Audit({&*who, method, &what, keys, recorded});
    }
    return allowed;
  }
  return who;
}

}  // namespace bpfwarden::api
