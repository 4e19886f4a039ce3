#include "daemon/core/admin_quota.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace bpfwarden {

AdminQuotas AdminQuotas::WithDefaults(uint32_t max_sets, uint32_t max_maps,
                                      uint64_t max_map_bytes,
                                      uint32_t max_saved_objects) {
  AdminQuotas q;
  if (max_sets != 0) q.max_sets = max_sets;
  if (max_maps != 0) q.max_maps = max_maps;
  if (max_map_bytes != 0) q.max_map_bytes = max_map_bytes;
  if (max_saved_objects != 0) q.max_saved_objects = max_saved_objects;
  return q;
}

AdminQuotas AdminQuotas::Widest(const AdminQuotas& other) const {
  return {std::max(max_sets, other.max_sets),
          std::max(max_maps, other.max_maps),
          std::max(max_map_bytes, other.max_map_bytes),
          std::max(max_saved_objects, other.max_saved_objects)};
}

QuotaUsage& QuotaUsage::operator+=(const QuotaUsage& other) {
  sets += other.sets;
  maps += other.maps;
  map_bytes += other.map_bytes;
  saved_objects += other.saved_objects;
  return *this;
}

uint64_t MapBytes(uint32_t key_size, uint32_t value_size,
                  uint32_t max_entries) {
  const uint64_t entry = uint64_t{key_size} + value_size;
  return entry == 0 ? max_entries : entry * max_entries;
}

absl::Status CheckQuotas(const AdminQuotas& quotas, const QuotaUsage& held,
                         const QuotaUsage& adding, absl::string_view principal,
                         absl::string_view set) {
  for (const auto& [name, limit, now, more] :
       {std::tuple<const char*, uint64_t, uint64_t, uint64_t>{
            "max_sets", quotas.max_sets, held.sets, adding.sets},
        {"max_maps", quotas.max_maps, held.maps, adding.maps},
        {"max_map_bytes", quotas.max_map_bytes, held.map_bytes,
         adding.map_bytes},
        {"max_saved_objects", quotas.max_saved_objects, held.saved_objects,
         adding.saved_objects}}) {
    if (more > 0 && now + more > limit) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "quota of ", principal, ": ", name, " is ", limit, ", and set ", set,
          " would make it ", now + more, " (", now,
          " held); unload a set or ask for a larger quota in the policy "
          "rule"));
    }
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden
