// Maps.LookupBatch's work once the call is authorized and checked: every
// key looked up, spread over the API's WorkPool (one lookup is a syscall of
// about a microsecond, so a thousand keys take two cores' worth).
#ifndef BPFWARDEN_DAEMON_API_BATCH_LOOKUP_H_
#define BPFWARDEN_DAEMON_API_BATCH_LOOKUP_H_

#include <string>

#include "absl/status/status.h"
#include "daemon/base/work_pool.h"
#include "daemon/maps/typed_map.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

// Looks up every key of `keys` (back to back, each map.key_size() bytes)
// into `values` (back to back); found[i] says whether key i was there. An
// error other than NOT_FOUND fails the whole batch with the first such
// key's, named "keys[i]: ...".
absl::Status LookupPacked(const TypedMap& map, WorkPool& pool,
                          const std::string& keys, std::string& found,
                          std::string& values);

// One result per key of req.keys() in resp, in order: the value in
// req.encoding(), or the key's own error (NOT_FOUND, or a decode error
// naming "keys[i]...").
void LookupTyped(const TypedMap& map, WorkPool& pool,
                 const v1::LookupBatchRequest& req,
                 v1::LookupBatchResponse& resp);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_BATCH_LOOKUP_H_
