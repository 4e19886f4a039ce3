// What every command shares: the connection to the daemon, one-line errors
// with distinct exit codes, and printing API messages as JSON.
#ifndef BPFWARDEN_CLIENT_CLI_COMMON_H_
#define BPFWARDEN_CLIENT_CLI_COMMON_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/strings/string_view.h"
#include "client/api_client.h"
#include "client/output/format.h"

ABSL_DECLARE_FLAG(std::string, socket);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(std::string, pin_root);
ABSL_DECLARE_FLAG(uint32_t, page_size);

namespace bpfwarden::cli {

using Args = std::vector<std::string>;

// The process's exit status; documented in --help (kExitCodesHelp).
enum ExitCode {
  kExitOk = 0,
  kExitFailed = 1,       // anything not below
  kExitUsage = 2,        // bad command line or input (INVALID_ARGUMENT)
  kExitNotFound = 3,     // no such set, map, key, attachment or file
  kExitPermission = 4,   // denied by the daemon's policy or the kernel
  kExitUnreachable = 5,  // the daemon's socket does not answer
};

extern const char kExitCodesHelp[];

ExitCode ExitCodeFor(absl::StatusCode code);

// The command running and its arguments, named in errors (Run sets it).
void SetCurrentCommand(absl::string_view name, const Args& args);

// Prints one line on stderr, "bpfwarden: WHAT: MESSAGE; HINT" (what failed,
// on what, what to do) and returns the exit code for the status.
int Fail(const absl::Status& status, absl::string_view what);

// Fail(status, the running command and its arguments).
int Fail(const absl::Status& status);

// The same for a failed call to the daemon.
int FailCall(const grpc::Status& status, absl::string_view what);

// A usage error of `command`: one line, pointing at its --help.
int UsageError(absl::string_view command, absl::string_view message);

// A client for --socket with the --timeout deadline.
ApiClient Client();

// json: the message as one indented document; jsonl: one line. With
// field names as in the .proto.
int PrintMessage(const google::protobuf::Message& message,
                 output::OutputFormat format);

// A list answer in a script format: json, `response` as one document;
// jsonl, each of `items` (its repeated field) a line.
template <typename Response, typename Items>
int PrintList(const Response& response, const Items& items,
              output::OutputFormat format) {
  if (format != output::OutputFormat::kJsonl) {
    return PrintMessage(response, format);
  }
  for (const auto& item : items) PrintMessage(item, format);
  return kExitOk;
}

// Sets *format from -o; a bad -o is printed as an error, *exit_code set
// and false returned.
bool OutputFormatFromFlags(output::OutputFormat* format, int* exit_code);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_CLI_COMMON_H_
