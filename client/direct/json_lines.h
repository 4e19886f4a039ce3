// Map entries as the API's packed JSON lines, from this process's own
// TypedMap: one {"key":K,"value":V} a line, byte for byte what the daemon
// sends (the implicit key of global variables is null; with
// ENCODING_UNSPECIFIED a side without BTF is its bytes as a hex string).
#ifndef BPFWARDEN_CLIENT_DIRECT_JSON_LINES_H_
#define BPFWARDEN_CLIENT_DIRECT_JSON_LINES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/maps/typed_map.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::cli {

// Appends the page's entries to `out`.
absl::Status AppendJsonLines(const TypedMap& map, const PackedPage& page,
                             v1::Encoding encoding, std::string& out);

// The key bytes `key` stands for: JSON by the map's BTF, raw bytes, or
// unset (or null) for the implicit key of a global-variables map.
absl::StatusOr<Bytes> KeyBytes(const TypedMap& map, const v1::Data& key);

// The value bytes `value` stands for: JSON by the map's BTF (missing fields
// zero with `zero_fill`), or raw bytes of the map's value size.
absl::StatusOr<Bytes> ValueBytes(const TypedMap& map, const v1::Data& value,
                                 bool zero_fill);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_DIRECT_JSON_LINES_H_
