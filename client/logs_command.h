// `bpfwarden logs SET [-f] [--level=warn] [-o jsonl]`: a set's BPF log
// records (Logs.Tail).
#ifndef BPFWARDEN_CLIENT_LOGS_COMMAND_H_
#define BPFWARDEN_CLIENT_LOGS_COMMAND_H_

#include <string>
#include <vector>

#include "client/api_client.h"
#include "client/command.h"

namespace bpfwarden::cli {

// Prints the records of set args[0] that the daemon kept, then with -f the
// new ones until interrupted; "text" lines
// "<time> <LEVEL> <program> <file:line>: <message>" or, with -o jsonl, one
// LogRecord as JSON a line. Returns the exit status.
int Logs(ApiClient& client, const std::vector<std::string>& args);

extern const Command kLogsCommand;

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_LOGS_COMMAND_H_
