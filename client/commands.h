// The CLI's commands: each takes the positional arguments after its name and
// returns the process exit status (0 ok, 1 failed, 2 usage).
#ifndef BPFWARDEN_CLIENT_COMMANDS_H_
#define BPFWARDEN_CLIENT_COMMANDS_H_

#include <string>
#include <vector>

namespace bpfwarden::cli {

using Args = std::vector<std::string>;

// Runs `command` with `args`; unknown commands are a usage error.
int Run(const std::string& command, const Args& args);

extern const char kUsage[];

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_COMMANDS_H_
