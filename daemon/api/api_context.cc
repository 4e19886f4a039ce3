#include "daemon/api/api_context.h"

#include "absl/strings/str_cat.h"
#include "daemon/api/caller.h"

namespace bpfwarden::api {

ApiContext::ApiContext(Warden* warden, ApiLimits limits, policy::Policy policy)
    : warden_(warden),
      limits_(limits),
      started_(absl::Now()),
      streams_(limits.max_streams, limits.max_streams_per_principal),
      policy_(std::make_shared<const policy::Policy>(std::move(policy))) {}

void ApiContext::SetPolicy(policy::Policy policy) {
  auto fresh = std::make_shared<const policy::Policy>(std::move(policy));
  absl::MutexLock lock(&mu_);
  policy_ = std::move(fresh);
}

std::shared_ptr<const policy::Policy> ApiContext::policy() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

absl::StatusOr<policy::Identity> ApiContext::Caller(
    const grpc::ServerContext& ctx) const {
  return CallerIdentity(ctx, peers_);
}

bool ApiContext::Allows(const policy::Identity& who, policy::Operation op,
                        const policy::Resource& what) const {
  return policy()->Allows(who, op, what);
}

absl::StatusOr<policy::Identity> ApiContext::Authorize(
    const grpc::ServerContext& ctx, policy::Operation op,
    const policy::Resource& what, absl::string_view method,
    const std::string& keys) const {
  absl::StatusOr<policy::Identity> who = Caller(ctx);
  if (!who.ok()) {
    policy::Identity unknown;
    policy::Audit({&unknown, method, &what, keys, who.status()});
    return who.status();
  }
  absl::Status allowed = policy()->Check(*who, op, what, method);
  if (!allowed.ok()) {
    policy::Audit({&*who, method, &what, keys, allowed});
    return allowed;
  }
  return who;
}

absl::StatusOr<std::shared_ptr<const TypedMap>> ApiContext::OpenMap(
    const std::string& set, const std::string& map) const {
  absl::StatusOr<OpenedMap> opened = warden_->OpenMap(set, map);
  if (!opened.ok()) return opened.status();
  std::string label = absl::StrCat(set, "/", map);
  {
    absl::MutexLock lock(&mu_);
    auto it = maps_.find(label);
    if (it != maps_.end() && it->second.first == opened->info.id) {
      return it->second.second;
    }
  }
  uint32_t id = opened->info.id;
  absl::StatusOr<TypedMap> typed = TypedMap::Open(std::move(opened->fd), label);
  if (!typed.ok()) return typed.status();
  auto shared = std::make_shared<const TypedMap>(*std::move(typed));
  absl::MutexLock lock(&mu_);
  maps_.insert_or_assign(label, std::make_pair(id, shared));
  return shared;
}

void ApiContext::ForgetMaps(const std::string& set) const {
  std::string prefix = absl::StrCat(set, "/");
  absl::MutexLock lock(&mu_);
  for (auto it = maps_.begin(); it != maps_.end();) {
    it = it->first.rfind(prefix, 0) == 0 ? maps_.erase(it) : std::next(it);
  }
}

}  // namespace bpfwarden::api
