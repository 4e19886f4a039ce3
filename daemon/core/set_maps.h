// The maps of a loaded set as the data path uses them: one immutable,
// shared handle per map, built once when the set is loaded.
#ifndef BPFWARDEN_DAEMON_CORE_SET_MAPS_H_
#define BPFWARDEN_DAEMON_CORE_SET_MAPS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/core/core_types.h"
#include "daemon/maps/typed_map.h"

struct bpf_object;

namespace bpfwarden {

// One map of a loaded set: its description and typed access (BTF codecs
// included). It owns an FD of its own, so a request holding it may outlive
// the set: the map stays usable until the last holder lets go.
struct MapHandle {
  MapInfo info;
  TypedMap map;
};

class SetMaps {
 public:
  // A handle on every map of `obj`, the loaded object of set `set`, which
  // `infos` describes (DescribeSet). Each map's FD is dup'd once here; the
  // BTF objects are loaded once each. A map that cannot be opened keeps its
  // error, which Find returns.
  static std::shared_ptr<const SetMaps> Open(const std::string& set,
                                             const bpf_object* obj,
                                             std::vector<MapInfo> infos);

  // The handle of map `name`; NotFound naming the maps the set has.
  absl::StatusOr<std::shared_ptr<const MapHandle>> Find(
      absl::string_view name) const;
  // Every map of the set, in the object's order.
  const std::vector<MapInfo>& infos() const { return infos_; }

 private:
  SetMaps() = default;

  std::string set_;
  std::vector<MapInfo> infos_;
  absl::flat_hash_map<std::string,
                      absl::StatusOr<std::shared_ptr<const MapHandle>>>
      handles_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_SET_MAPS_H_
