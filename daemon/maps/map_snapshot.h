// A map's contents at one instant, in key order, and the changes between
// two such instants: what Maps.Watch sends.
#ifndef BPFWARDEN_DAEMON_MAPS_MAP_SNAPSHOT_H_
#define BPFWARDEN_DAEMON_MAPS_MAP_SNAPSHOT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/maps/typed_map.h"

namespace bpfwarden {

// Keys and values packed back to back as the dump returned them, and an
// index in bytewise key order (a key seen twice by a dump is kept once).
// Immutable once made: watchers share one through a shared_ptr.
class MapSnapshot {
 public:
  // Takes ownership of packed keys and values (`key_size` and `value_size`
  // bytes each, `count` of each).
  MapSnapshot(size_t key_size, size_t value_size, std::string keys,
              std::string values, size_t count);

  size_t size() const { return order_.size(); }
  // The i-th entry in key order.
  absl::string_view key(size_t i) const {
    return absl::string_view(keys_).substr(order_[i] * key_size_, key_size_);
  }
  absl::string_view value(size_t i) const {
    return absl::string_view(values_).substr(order_[i] * value_size_,
                                             value_size_);
  }

 private:
  size_t key_size_;
  size_t value_size_;
  std::string keys_;
  std::string values_;
  std::vector<uint32_t> order_;
};

// The whole map, by batch (or next-key) dump pages. A next-key dump whose
// position was deleted meanwhile starts over (a few times at most).
absl::StatusOr<std::shared_ptr<const MapSnapshot>> TakeSnapshot(
    const TypedMap& map);

struct EntryChange {
  enum class Kind { kAdded, kChanged, kRemoved };
  Kind kind;
  std::string key;
  std::string old_value;  // kChanged, kRemoved
  std::string new_value;  // kAdded, kChanged
};

// Sorted by key, one change per key at most.
using ChangeList = std::vector<EntryChange>;

// What turns `before` into `after`.
ChangeList Diff(const MapSnapshot& before, const MapSnapshot& after);

// The net change of `earlier` followed by `later` (both from Diff or
// Coalesce): a key added then removed vanishes, changed then changed back
// vanishes, removed then added is changed.
ChangeList Coalesce(const ChangeList& earlier, const ChangeList& later);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_MAPS_MAP_SNAPSHOT_H_
