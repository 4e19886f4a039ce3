#include "client/program_commands.h"

#include <fstream>
#include <iostream>
#include <iterator>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/output/key_values.h"
#include "client/output/table_writer.h"
#include "client/output/terminal.h"

ABSL_FLAG(bool, replace_maps, false, "load: with fresh, empty maps");
ABSL_FLAG(bool, unpin_maps, false, "unload: unpin the set's maps too");

namespace bpfwarden::cli {
namespace {

using output::OutputFormat;

std::string OriginName(v1::Origin origin) {
  switch (origin) {
    case v1::ORIGIN_CONFIG:
      return "config";
    case v1::ORIGIN_RUNTIME:
      return "runtime";
    default:
      return "-";
  }
}

std::string LoadedTime(int64_t unix_seconds) {
  if (unix_seconds == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

size_t Width(OutputFormat format) {
  return format == OutputFormat::kWide ? 0 : output::TerminalWidth();
}

void PrintSet(const v1::ProgramSetInfo& set, OutputFormat format) {
  output::PrintKeyValues(
      {{"set", absl::StrCat(set.name(), set.builtin() ? " (builtin)" : "")},
       {"origin", OriginName(set.origin())},
       {"loaded", LoadedTime(set.loaded_unix_seconds())},
       {"pin path", set.pin_path()},
       {"objects", set.objects().empty() ? "-" : absl::StrJoin(set.objects(), ", ")},
       {"maps", absl::StrJoin(set.maps(), ", ")}},
      std::cout);
  std::cout << "\n";
  output::TableWriter table({{"PROGRAM"},
                             {"ID", true},
                             {"TYPE"},
                             {"ATTACH TYPE"},
                             {"SECTION"}},
                            std::cout, Width(format));
  for (const v1::ProgramInfo& p : set.programs()) {
    table.AddRow({p.name(), absl::StrCat(p.id()), p.type(), p.attach_type(),
                  p.section()});
  }
}

int Sets(const Args&) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  ApiClient client = Client();
  v1::ListProgramSetsResponse response;
  grpc::Status status = client.programs().List(
      client.Context().get(), v1::ListProgramSetsRequest(), &response);
  if (!status.ok()) return FailCall(status, "list program sets");
  if (!output::IsHumanFormat(format)) {
    return PrintList(response, response.program_sets(), format);
  }
  output::TableWriter table({{"NAME"},
                             {"ORIGIN"},
                             {"PROGRAMS", true},
                             {"MAPS", true},
                             {"LOADED"},
                             {.name = "PIN PATH", .keep_end = true}},
                            std::cout, Width(format));
  for (const auto& set : response.program_sets()) {
    table.AddRow({set.name(), OriginName(set.origin()),
                  absl::StrCat(set.programs_size()),
                  absl::StrCat(set.maps_size()),
                  LoadedTime(set.loaded_unix_seconds()), set.pin_path()});
  }
  return kExitOk;
}

int ShowSet(const v1::ProgramSetInfo& set, OutputFormat format) {
  if (!output::IsHumanFormat(format)) return PrintMessage(set, format);
  PrintSet(set, format);
  if (!set.verifier_log().empty()) std::cout << "\n" << set.verifier_log();
  return kExitOk;
}

int Set(const Args& args) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  v1::GetProgramSetRequest request;
  request.set_name(args[0]);
  ApiClient client = Client();
  v1::ProgramSetInfo set;
  grpc::Status status =
      client.programs().Get(client.Context().get(), request, &set);
  if (!status.ok()) return FailCall(status, absl::StrCat("set ", args[0]));
  return ShowSet(set, format);
}

absl::StatusOr<std::string> ReadObject(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return bytes;
}

// The objects are read here and uploaded, so the daemon links exactly the
// files the operator named, whoever the operator is.
int Load(const Args& args) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  v1::LoadRequest request;
  request.mutable_program_set()->set_name(args[0]);
  for (size_t i = 1; i < args.size(); ++i) {
    absl::StatusOr<std::string> bytes = ReadObject(args[i]);
    if (!bytes.ok()) return Fail(bytes.status(), absl::StrCat("load ", args[0]));
    request.add_object_blobs(*std::move(bytes));
  }
  request.set_replace_maps(absl::GetFlag(FLAGS_replace_maps));
  ApiClient client = Client();
  v1::LoadResponse response;
  grpc::Status status =
      client.programs().Load(client.Context().get(), request, &response);
  if (!status.ok()) return FailCall(status, absl::StrCat("load ", args[0]));
  if (!output::IsHumanFormat(format)) return PrintMessage(response, format);
  return ShowSet(response.program_set(), format);
}

int Unload(const Args& args) {
  v1::UnloadRequest request;
  request.set_name(args[0]);
  request.set_unpin_maps(absl::GetFlag(FLAGS_unpin_maps));
  ApiClient client = Client();
  v1::UnloadResponse response;
  grpc::Status status =
      client.programs().Unload(client.Context().get(), request, &response);
  if (!status.ok()) return FailCall(status, absl::StrCat("unload ", args[0]));
  std::cout << "unloaded " << args[0]
            << (request.unpin_maps() ? " and unpinned its maps" : "") << "\n";
  return kExitOk;
}

}  // namespace

const Command kSetsCommand = {
    "sets", "sets", "the loaded program sets", "",
    "bpfwarden sets\nbpfwarden sets -o json", 0, 0, Sets};

const Command kSetCommand = {
    "set", "set SET", "one program set: its programs, maps and pins", "",
    "bpfwarden set bpfwarden", 1, 1, Set};

const Command kLoadCommand = {
    "load", "load NAME OBJECT...",
    "upload BPF ELF objects, linked into one program set",
    "--replace_maps  create the set's maps afresh (empty)",
    "bpfwarden load mine ./prog.bpf.o", 2, SIZE_MAX, Load};

const Command kUnloadCommand = {
    "unload", "unload SET", "unload a set, detaching its programs",
    "--unpin_maps  also unpin its maps (their data is lost)",
    "bpfwarden unload mine", 1, 1, Unload};

}  // namespace bpfwarden::cli
