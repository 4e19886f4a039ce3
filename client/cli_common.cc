#include "client/cli_common.h"

#include <google/protobuf/util/json_util.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "client/output_flags.h"

ABSL_FLAG(std::string, socket, "/run/bpfwarden/api.sock",
          "the daemon's API: a Unix socket path or a gRPC target");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30), "deadline of each call");
ABSL_FLAG(std::string, pin_root, "/sys/fs/bpf/bpfwarden",
          "the bpffs directory under which bpfwardend pins its maps");
ABSL_FLAG(uint32_t, page_size, 0,
          "dump: entries a page (0: the largest the daemon allows)");

namespace bpfwarden::cli {

const char kExitCodesHelp[] =
    "Exit codes:\n"
    "  0  ok\n"
    "  1  failed (any other error)\n"
    "  2  usage: bad command line, flag or input (JSON, hex, field)\n"
    "  3  not found: no such set, map, key, attachment or file\n"
    "  4  permission denied: by the daemon's policy or the kernel\n"
    "  5  daemon unreachable: nothing answers on --socket\n";

namespace {

std::string& CurrentCommand() {
  static auto* name = new std::string();
  return *name;
}

// The command line of the running command, "dump bpfwarden tcp_stats".
std::string& CurrentInvocation() {
  static auto* line = new std::string();
  return *line;
}

std::string OneLine(absl::string_view text) {
  std::string line = absl::StrReplaceAll(text, {{"\r", ""}, {"\n", "; "}});
  while (!line.empty() && (line.back() == ' ' || line.back() == ';')) {
    line.pop_back();
  }
  return line;
}

std::string Hint(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kNotFound:
      return "list what there is with `bpfwarden sets` or `bpfwarden maps`";
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return "run as root, or ask for a policy rule in /etc/bpfwarden";
    case absl::StatusCode::kInvalidArgument:
      return absl::StrCat("see `bpfwarden help",
                          CurrentCommand().empty() ? "" : " ",
                          CurrentCommand(), "`");
    case absl::StatusCode::kUnavailable:
      return absl::StrCat(
          "is bpfwardend running? try `systemctl status bpfwardend`, or "
          "--direct (as root) to read pinned maps without it");
    case absl::StatusCode::kDeadlineExceeded:
      return "the daemon is slow or stuck: raise --timeout or check "
             "`systemctl status bpfwardend`";
    default:
      return "";
  }
}

}  // namespace

void SetCurrentCommand(absl::string_view name, const Args& args) {
  CurrentCommand() = std::string(name);
  CurrentInvocation() =
      absl::StrCat(name, args.empty() ? "" : " ", absl::StrJoin(args, " "));
}

int Fail(const absl::Status& status) {
  return Fail(status, CurrentInvocation());
}

ExitCode ExitCodeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
      return kExitUsage;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return kExitPermission;
    case absl::StatusCode::kUnavailable:
      return kExitUnreachable;
    default:
      return kExitFailed;
  }
}

int Fail(const absl::Status& status, absl::string_view what) {
  std::string line = "bpfwarden: ";
  if (!what.empty()) absl::StrAppend(&line, what, ": ");
  if (status.code() == absl::StatusCode::kUnavailable) {
    absl::StrAppend(&line, "cannot reach bpfwardend at ",
                    absl::GetFlag(FLAGS_socket), " (",
                    OneLine(status.message()), ")");
  } else {
    absl::StrAppend(&line, absl::StatusCodeToString(status.code()), ": ",
                    OneLine(status.message()));
  }
  const std::string hint = Hint(status.code());
  if (!hint.empty()) absl::StrAppend(&line, "; ", hint);
  std::cerr << line << "\n";
  return ExitCodeFor(status.code());
}

int FailCall(const grpc::Status& status, absl::string_view what) {
  return Fail(FromGrpc(status), what);
}

int UsageError(absl::string_view command, absl::string_view message) {
  std::cerr << "bpfwarden: " << command << (command.empty() ? "" : ": ")
            << OneLine(message) << "; see `bpfwarden help"
            << (command.empty() ? "" : " ") << command << "`\n";
  return kExitUsage;
}

ApiClient Client() {
  return ApiClient(absl::GetFlag(FLAGS_socket),
                   absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_timeout)));
}

int PrintMessage(const google::protobuf::Message& message,
                 output::OutputFormat format) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = format != output::OutputFormat::kJsonl;
  options.preserve_proto_field_names = true;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &text, options);
  if (!status.ok()) {
    return Fail(absl::InternalError(status.ToString()), "print JSON");
  }
  std::cout << text;
  if (!options.add_whitespace) std::cout << "\n";
  return kExitOk;
}

bool OutputFormatFromFlags(output::OutputFormat* format, int* exit_code) {
  absl::StatusOr<output::OutputFormat> parsed =
      output::ParseOutputFormat(absl::GetFlag(FLAGS_o));
  if (!parsed.ok()) {
    *exit_code = Fail(parsed.status(), "-o");
    return false;
  }
  *format = *parsed;
  return true;
}

}  // namespace bpfwarden::cli
