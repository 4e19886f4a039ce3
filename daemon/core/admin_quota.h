// A scoped administrator's quotas: how many program sets, maps, bytes of
// maps and saved objects one principal may hold through the API. The core
// counts what each principal loaded (LoadedSet's owner) and refuses the
// next set past a quota with ResourceExhausted naming the quota.
#ifndef BPFWARDEN_DAEMON_CORE_ADMIN_QUOTA_H_
#define BPFWARDEN_DAEMON_CORE_ADMIN_QUOTA_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

// One rule's quotas; the defaults apply where a rule leaves one unset (0).
struct AdminQuotas {
  static constexpr uint32_t kDefaultMaxSets = 8;
  static constexpr uint32_t kDefaultMaxMaps = 64;
  static constexpr uint64_t kDefaultMaxMapBytes = uint64_t{256} << 20;
  static constexpr uint32_t kDefaultMaxSavedObjects = 8;

  uint32_t max_sets = kDefaultMaxSets;
  uint32_t max_maps = kDefaultMaxMaps;
  uint64_t max_map_bytes = kDefaultMaxMapBytes;
  uint32_t max_saved_objects = kDefaultMaxSavedObjects;

  // A rule's quotas as written: 0 is the default.
  static AdminQuotas WithDefaults(uint32_t max_sets, uint32_t max_maps,
                                  uint64_t max_map_bytes,
                                  uint32_t max_saved_objects);
  // Each quota the larger of the two.
  AdminQuotas Widest(const AdminQuotas& other) const;
};

// What a principal holds, or what one set adds.
struct QuotaUsage {
  uint64_t sets = 0;
  uint64_t maps = 0;
  uint64_t map_bytes = 0;
  uint64_t saved_objects = 0;

  QuotaUsage& operator+=(const QuotaUsage& other);
};

// A Load's quotas and what its principal held when it began.
struct QuotaCheck {
  AdminQuotas quotas;
  QuotaUsage held;
  std::string principal;
};

// Roughly what the kernel allocates for a map: (key + value) x max_entries,
// or max_entries bytes for maps sized in bytes (ring buffers).
uint64_t MapBytes(uint32_t key_size, uint32_t value_size, uint32_t max_entries);

// OK when `held` plus `adding` stays within `quotas`; otherwise
// ResourceExhausted naming the first quota passed, its value and the
// total it would reach ("... max_maps is 64, and set team-a would make
// it 70").
absl::Status CheckQuotas(const AdminQuotas& quotas, const QuotaUsage& held,
                         const QuotaUsage& adding, absl::string_view principal,
                         absl::string_view set);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_ADMIN_QUOTA_H_
