// Program sets: sets, set, load, unload.
#ifndef BPFWARDEN_CLIENT_PROGRAM_COMMANDS_H_
#define BPFWARDEN_CLIENT_PROGRAM_COMMANDS_H_

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kSetsCommand;
extern const Command kSetCommand;
extern const Command kLoadCommand;
extern const Command kUnloadCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_PROGRAM_COMMANDS_H_
