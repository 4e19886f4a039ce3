// The Command descriptions (synopsis, help, example) of the data commands
// that read maps over the daemon or --direct: dump, top, watch, globals.
#ifndef BPFWARDEN_CLIENT_DATA_COMMAND_SPECS_H_
#define BPFWARDEN_CLIENT_DATA_COMMAND_SPECS_H_

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kDumpCommand;
extern const Command kTopCommand;
extern const Command kWatchCommand;
extern const Command kGlobalsCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_DATA_COMMAND_SPECS_H_
