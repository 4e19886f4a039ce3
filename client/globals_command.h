// `bpfwarden globals SET [--set NAME=VALUE]`: a set's global variables
// (.bss, .data, .rodata, .kconfig maps) by name, typed by their DATASEC BTF,
// with their section; --set writes one .bss or .data variable.
#ifndef BPFWARDEN_CLIENT_GLOBALS_COMMAND_H_
#define BPFWARDEN_CLIENT_GLOBALS_COMMAND_H_

#include <string>
#include <vector>

namespace bpfwarden::cli {

int GlobalsCommand(const std::vector<std::string>& args);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_GLOBALS_COMMAND_H_
