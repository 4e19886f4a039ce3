// Map descriptions: maps [SET] and map SET MAP (the layout view).
#ifndef BPFWARDEN_CLIENT_MAP_COMMANDS_H_
#define BPFWARDEN_CLIENT_MAP_COMMANDS_H_

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kMapsCommand;
extern const Command kMapCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_MAP_COMMANDS_H_
