// `pins`: the maps pinned under --pin_root, read from bpffs (no daemon).
#ifndef BPFWARDEN_CLIENT_PINS_COMMAND_H_
#define BPFWARDEN_CLIENT_PINS_COMMAND_H_

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kPinsCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_PINS_COMMAND_H_
