// The CLI's commands, dispatched by name, and the help, man page and bash
// completion made from their descriptions.
#ifndef BPFWARDEN_CLIENT_COMMANDS_H_
#define BPFWARDEN_CLIENT_COMMANDS_H_

#include <string>
#include <vector>

#include "client/command.h"

namespace bpfwarden::cli {

// Every command, in the order --help lists them.
const std::vector<const Command*>& AllCommands();

// The command named `name`, or nullptr.
const Command* FindCommand(const std::string& name);

// Runs `command` with `args`; unknown commands and a wrong number of
// arguments are usage errors. Returns the exit status (ExitCode).
int Run(const std::string& command, const Args& args);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_COMMANDS_H_
