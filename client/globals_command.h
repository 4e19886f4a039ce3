// `bpfwarden globals SET [--set NAME=VALUE]`: a set's global variables
// (.bss, .data, .rodata, .kconfig maps) by name, typed by their DATASEC BTF,
// with their section; --set writes one .bss or .data variable.
#ifndef BPFWARDEN_CLIENT_GLOBALS_COMMAND_H_
#define BPFWARDEN_CLIENT_GLOBALS_COMMAND_H_

#include <string>
#include <vector>

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kGlobalsCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_GLOBALS_COMMAND_H_
