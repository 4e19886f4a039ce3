// The CLI's documentation, made from the Command table and the flags:
// --help, `help COMMAND`, the man page and the bash completion.
#ifndef BPFWARDEN_CLIENT_HELP_TEXT_H_
#define BPFWARDEN_CLIENT_HELP_TEXT_H_

#include <string>

#include "client/command.h"

namespace bpfwarden::cli {

// `bpfwarden --help`: every command, the output flags, exit codes.
std::string GeneralHelp();

// `bpfwarden COMMAND --help`.
std::string CommandHelp(const Command& command);

// bpfwarden(1) in roff.
std::string ManPage();

// A bash completion script for commands, flags, -o values, set and map
// names (asked of the daemon) and files.
std::string BashCompletion();

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_HELP_TEXT_H_
