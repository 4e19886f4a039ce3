// How many entries a map holds now, counted through the daemon.
#ifndef BPFWARDEN_CLIENT_ENTRY_COUNT_H_
#define BPFWARDEN_CLIENT_ENTRY_COUNT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "client/api_client.h"

namespace bpfwarden::cli {

// Counts by a raw, packed Dump (no decoding, large pages); maps that cannot
// be dumped (ring buffers, global sections) are FAILED_PRECONDITION or the
// daemon's error.
absl::StatusOr<uint64_t> CountEntries(ApiClient& client,
                                      const v1::MapRef& ref);

// "entries/max (p%)", or "-/max" when `count` failed.
std::string FillText(const absl::StatusOr<uint64_t>& count,
                     uint32_t max_entries);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_ENTRY_COUNT_H_
