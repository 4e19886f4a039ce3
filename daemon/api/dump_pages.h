// Maps.Dump pages: the per-entry form, and the packed forms (raw keys and
// values back to back, or one JSON text blob a page).
#ifndef BPFWARDEN_DAEMON_API_DUMP_PAGES_H_
#define BPFWARDEN_DAEMON_API_DUMP_PAGES_H_

#include "absl/status/status.h"
#include "daemon/maps/typed_map.h"
#include "proto/api.pb.h"

namespace bpfwarden::api {

// Fills `out` (entries, keys/values/count or json_lines, as `request` asks)
// from `page`, which it consumes. The resume token and `done` are the
// caller's.
absl::Status FillDumpPage(const TypedMap& map, const v1::DumpRequest& request,
                          PackedPage& page, v1::DumpResponse& out);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_DUMP_PAGES_H_
