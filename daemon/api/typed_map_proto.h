// The API's view of a TypedMap, shared by the daemon's Maps service and the
// CLI's direct mode, so both describe a map and take update flags alike.
#ifndef BPFWARDEN_DAEMON_API_TYPED_MAP_PROTO_H_
#define BPFWARDEN_DAEMON_API_TYPED_MAP_PROTO_H_

#include "daemon/maps/typed_map.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

// Sets `out`'s per-CPU facts and, where the map has BTF, its key and value
// layouts.
void SetTypedFacts(const TypedMap& map, v1::MapInfo* out);

UpdateFlag FromProto(v1::UpdateFlag flag);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_TYPED_MAP_PROTO_H_
