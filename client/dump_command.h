// `dump SET MAP`: every entry of a map, streamed page by page.
#ifndef BPFWARDEN_CLIENT_DUMP_COMMAND_H_
#define BPFWARDEN_CLIENT_DUMP_COMMAND_H_

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kDumpCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_DUMP_COMMAND_H_
