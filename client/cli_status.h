// How the data commands (dump, top, watch, globals) end on an error: one
// line on stderr and an exit code by the error's kind.
#ifndef BPFWARDEN_CLIENT_CLI_STATUS_H_
#define BPFWARDEN_CLIENT_CLI_STATUS_H_

#include "absl/status/status.h"

namespace bpfwarden::cli {

// Exit codes: 0 ok, 1 other failure, 2 usage (bad arguments, flags, filter
// or JSON), 3 not found (set, map, pin, variable), 4 permission denied
// (policy, non-root --direct, a write without --allow-write), 5 daemon
// unreachable.
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitPermission = 4;
inline constexpr int kExitUnreachable = 5;

int ExitCodeOf(const absl::Status& status);

// Prints "bpfwarden: CODE: message" and returns ExitCodeOf(status).
int FailWith(const absl::Status& status);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_CLI_STATUS_H_
