// The Warden's accounting of scoped administrators' quotas
// (daemon/core/admin_quota.h): what each principal's sets hold.
#include "absl/strings/str_cat.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/warden.h"

namespace bpfwarden {
namespace {

// One set, its maps and their bytes, and its objects (a non-root caller
// uploads every object, and each is saved).
QuotaUsage UsageOf(const LoadedSet& set) {
  QuotaUsage usage{1, set.info.maps.size(), 0,
                   static_cast<uint64_t>(set.spec.objects_size())};
  for (const MapInfo& map : set.info.maps) {
    usage.map_bytes += MapBytes(map.key_size, map.value_size, map.max_entries);
  }
  return usage;
}

}  // namespace

QuotaUsage Warden::HeldLocked(const std::string& principal) const {
  QuotaUsage held;
  for (const auto& [name, set] : sets_) {
    if (set->info.owner == principal) held += UsageOf(*set);
  }
  return held;
}

absl::StatusOr<std::optional<QuotaCheck>> Warden::QuotaBeforeBuildLocked(
    const v1::ProgramSet& spec, const LoadOptions& options) const {
  if (!options.admin_scopes.has_value()) return std::nullopt;
  if (options.owner.empty()) {
    return absl::InternalError(
        "a scoped administrator's load without an owner to count it for");
  }
  QuotaCheck check{QuotasOf(*options.admin_scopes), HeldLocked(options.owner),
                   options.owner};
  const QuotaUsage adding{
      1, 0, 0,
      static_cast<uint64_t>(spec.objects_size() + options.object_blobs.size())};
  if (absl::Status s = CheckQuotas(check.quotas, check.held, adding,
                                   check.principal, spec.name());
      !s.ok()) {
    return s;
  }
  return check;
}

absl::Status Warden::QuotaAtCommitLocked(const QuotaCheck& quota,
                                         const LoadedSet& set) const {
  return CheckQuotas(quota.quotas, HeldLocked(quota.principal), UsageOf(set),
                     quota.principal, set.info.name);
}

}  // namespace bpfwarden
