// Opening the map a request names, for the Maps service and Maps.Watch.
#ifndef BPFWARDEN_DAEMON_API_MAP_OPEN_H_
#define BPFWARDEN_DAEMON_API_MAP_OPEN_H_

#include <memory>

#include "absl/status/statusor.h"
#include "daemon/api/api_context.h"
#include "daemon/maps/element_access.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

// INVALID_ARGUMENT unless `ref` names both a set and a map.
absl::Status CheckRef(const v1::MapRef& ref);

// The map's handle as the core holds it (no lock a Load holds). NOT_FOUND
// names only the set and map asked for: the core's message lists the set's
// maps, which a caller who may read only some of them must not see.
absl::StatusOr<std::shared_ptr<const MapHandle>> OpenMap(const ApiContext& api,
                                                         const v1::MapRef& ref);

// The same, for one element method: FailedPrecondition where the map's type
// does not offer `method` (ElementAccessOf: file descriptors, ring buffers,
// a queue's Delete, an array's Delete, ...), before anything else is done.
absl::StatusOr<std::shared_ptr<const MapHandle>> OpenMapFor(
    const ApiContext& api, const v1::MapRef& ref, ElementMethod method);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_MAP_OPEN_H_
