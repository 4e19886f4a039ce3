#include "client/logs_command.h"

#include <google/protobuf/util/json_util.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/output_flags.h"

ABSL_FLAG(bool, f, false, "logs: follow, printing new records as they come");
ABSL_FLAG(std::string, level, "",
          "logs: the least severe level shown: error, warn, info, debug or "
          "trace (default: all)");

namespace bpfwarden::cli {
namespace {

absl::StatusOr<v1::LogLevel> ParseLevel(const std::string& text) {
  if (text.empty()) return v1::LOG_LEVEL_UNSPECIFIED;
  v1::LogLevel level;
  if (!v1::LogLevel_Parse(absl::AsciiStrToUpper(text), &level) ||
      level == v1::LOG_LEVEL_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--level=", text, ": want error, warn, info, debug or trace"));
  }
  return level;
}

std::string TextLine(const v1::LogRecord& r) {
  return absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ",
                                       absl::FromUnixNanos(r.time_unix_nanos()),
                                       absl::UTCTimeZone()),
                      " ", v1::LogLevel_Name(r.level()), " ", r.program(), " ",
                      r.site(), ": ", r.message(), "\n");
}

absl::StatusOr<std::string> JsonLine(const v1::LogRecord& r) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  auto s = google::protobuf::util::MessageToJsonString(r, &text, options);
  if (!s.ok()) return absl::InternalError(s.ToString());
  return text + "\n";
}

}  // namespace

int Logs(ApiClient& client, const std::vector<std::string>& args) {
  // Records are lines: table and wide print them as text, json and jsonl
  // one LogRecord a line.
  std::string output = absl::GetFlag(FLAGS_o);
  if (output == "text" || output == "table" || output == "wide") {
    output = "text";
  } else if (output == "jsonl" || output == "json") {
    output = "jsonl";
  } else {
    return Fail(absl::InvalidArgumentError(absl::StrCat(
                    "-o ", output, ": want table (text lines) or jsonl")),
                "logs");
  }
  absl::StatusOr<v1::LogLevel> level = ParseLevel(absl::GetFlag(FLAGS_level));
  if (!level.ok()) return Fail(level.status(), "logs");
  v1::TailRequest request;
  request.set_program_set(args[0]);
  request.set_min_level(*level);
  request.set_follow(absl::GetFlag(FLAGS_f));
  // Following has no deadline: it lasts until interrupted.
  auto context = request.follow() ? std::make_unique<grpc::ClientContext>()
                                  : client.Context();
  auto reader = client.logs().Tail(context.get(), request);
  v1::LogRecord record;
  while (reader->Read(&record)) {
    absl::StatusOr<std::string> line =
        output == "jsonl" ? JsonLine(record) : TextLine(record);
    if (!line.ok()) return Fail(line.status(), "logs");
    std::cout << *line << std::flush;
  }
  grpc::Status status = reader->Finish();
  return status.ok() ? 0 : FailCall(status, absl::StrCat("logs of ", args[0]));
}

const Command kLogsCommand = {
    "logs", "logs SET", "the set's BPF log records (bpfwarden/log.h)",
    "-f             follow: print new records until interrupted\n"
    "--level=LEVEL  this level or more severe: error, warn, info, debug\n"
    "-o jsonl       one LogRecord as JSON a line",
    "bpfwarden logs bpfwarden -f --level=warn", 1, 1,
    [](const Args& args) {
      ApiClient client = Client();
      return Logs(client, args);
    }};

}  // namespace bpfwarden::cli
