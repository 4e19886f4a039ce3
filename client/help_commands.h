// Commands about the CLI itself: help, completion, man.
#ifndef BPFWARDEN_CLIENT_HELP_COMMANDS_H_
#define BPFWARDEN_CLIENT_HELP_COMMANDS_H_

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kHelpCommand;
extern const Command kCompletionCommand;
extern const Command kManCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_HELP_COMMANDS_H_
