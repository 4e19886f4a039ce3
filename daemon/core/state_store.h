// Files written atomically, and the daemon's state file with a checksum.
#ifndef BPFWARDEN_DAEMON_CORE_STATE_STORE_H_
#define BPFWARDEN_DAEMON_CORE_STATE_STORE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden {

// Writes `contents` to a temporary file beside `path`, fsyncs it, renames
// it over `path` and fsyncs the directory: readers see the old file or the
// new one, never a torn one.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents, int mode = 0600);

// The state file's text: a header line with the body's length and CRC-32,
// then the State in protobuf text format.
std::string SerializeState(const v1::State& state);

// Parses SerializeState's text; DataLoss, saying what is wrong, when the
// header, length, checksum or body does not hold.
absl::StatusOr<v1::State> ParseState(absl::string_view text);

// Reads the state file; nullopt when it does not exist.
absl::StatusOr<std::optional<v1::State>> ReadStateFile(const std::string& path);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_STATE_STORE_H_
