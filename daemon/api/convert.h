// Core result types -> API messages.
#ifndef BPFWARDEN_DAEMON_API_CONVERT_H_
#define BPFWARDEN_DAEMON_API_CONVERT_H_

#include "daemon/core/core_types.h"
#include "daemon/maps/typed_map.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

v1::ProgramSetInfo ToProto(const ProgramSetInfo& set);
v1::AttachmentInfo ToProto(const AttachmentInfo& attachment);
// `typed` (when the map could be opened) adds per-CPU facts and layouts.
v1::MapInfo ToProto(const MapInfo& map, const TypedMap* typed);
v1::Origin ToProto(Origin origin);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_CONVERT_H_
