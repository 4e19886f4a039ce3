// How the data commands (dump, top, watch, globals) end on an error: one
// line on stderr and an exit code by the error's kind, as every command
// (cli_common.h: ExitCode, Fail).
#ifndef BPFWARDEN_CLIENT_CLI_STATUS_H_
#define BPFWARDEN_CLIENT_CLI_STATUS_H_

#include "absl/status/status.h"
#include "client/cli_common.h"

namespace bpfwarden::cli {

// ExitCodeFor(status.code()): 0 ok, 1 other failure, 2 usage (bad
// arguments, flags, filter or JSON), 3 not found (set, map, pin, variable),
// 4 permission denied (policy, non-root --direct, a write without
// --allow-write), 5 daemon unreachable.
int ExitCodeOf(const absl::Status& status);

// Fail(status): "bpfwarden: COMMAND ARGS: CODE: message; what to do", one
// line.
int FailWith(const absl::Status& status);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_CLI_STATUS_H_
