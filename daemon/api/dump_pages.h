// Maps.Dump pages: the per-entry form, and the packed forms (raw keys and
// values back to back, or one JSON text blob a page).
#ifndef BPFWARDEN_DAEMON_API_DUMP_PAGES_H_
#define BPFWARDEN_DAEMON_API_DUMP_PAGES_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/base/work_pool.h"
#include "daemon/maps/typed_map.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

// Fills `out` (entries, keys/values/count or json_lines, as `request` asks)
// from `page`, which it consumes. JSON lines of a large page are encoded in
// parts on `pool`'s threads. The resume token and `done` are the caller's.
absl::Status FillDumpPage(const TypedMap& map, const v1::DumpRequest& request,
                          PackedPage& page, WorkPool& pool,
                          v1::DumpResponse& out);

// The page that starts at `token`, encoded as `request` asks, with its
// resume token and `done` set, and at most `max_bytes` long: a page that
// encodes larger (JSON of long field names can be many times the raw size)
// is fetched again with half as many entries, and `options.page_size` stays
// that small for the rest of the dump. ResourceExhausted when a single
// entry does not fit.
absl::StatusOr<v1::DumpResponse> NextDumpPage(const TypedMap& map,
                                              const v1::DumpRequest& request,
                                              absl::string_view token,
                                              DumpOptions& options,
                                              size_t max_bytes, WorkPool& pool);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_DUMP_PAGES_H_
