// `status`: the daemon on one screen.
#ifndef BPFWARDEN_CLIENT_STATUS_COMMAND_H_
#define BPFWARDEN_CLIENT_STATUS_COMMAND_H_

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kStatusCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_STATUS_COMMAND_H_
