#include "client/commands.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/api_client.h"
#include "client/dump_command.h"
#include "client/entry_output.h"
#include "client/globals_command.h"
#include "client/logs_command.h"
#include "client/top_command.h"
#include "client/watch_command.h"
#include "client/pinned_maps.h"

ABSL_FLAG(std::string, socket, "/run/bpfwarden/api.sock",
          "the daemon's API: a Unix socket path or a gRPC target");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30), "deadline of each call");
ABSL_FLAG(std::string, pin_root, "/sys/fs/bpf/bpfwarden",
          "bpffs directory under which bpfwardend pins its maps (pins)");
ABSL_FLAG(bool, raw, false,
          "keys and values are hex bytes, not JSON (lookup, update, delete, "
          "dump)");
ABSL_FLAG(std::string, flag, "any", "update flag: any, noexist or exist");
ABSL_FLAG(bool, zero_fill, false, "missing JSON fields become zero");
ABSL_FLAG(std::string, attach_type, "",
          "attach type (libbpf's name); default: the program's own");
ABSL_FLAG(bool, pinned, false, "pin the link so it outlives a restart");
ABSL_FLAG(std::string, unit, "",
          "attach: the systemd unit whose cgroup to attach to, instead of a "
          "CGROUP argument; the attachment follows the unit's restarts");
ABSL_FLAG(bool, foreign, false, "include attachments made by other tools");
ABSL_FLAG(bool, replace_maps, false, "load with fresh, empty maps");
ABSL_FLAG(bool, unpin_maps, false, "unload and unpin the set's maps");
ABSL_FLAG(uint32_t, page_size, 0,
          "dump page size (0: the largest the daemon allows)");

namespace bpfwarden::cli {

const char kUsage[] =
    "bpfwarden: inspect pinned maps and drive bpfwardend.\n"
    "\n"
    "  status                          the daemon's version, uptime, counts\n"
    "  sets                            loaded program sets\n"
    "  set NAME                        one program set\n"
    "  load NAME OBJECT...             upload ELF objects, linked into one\n"
    "                                  program set [--replace_maps]\n"
    "  unload NAME                     unload a set [--unpin_maps]\n"
    "  attach SET PROGRAM CGROUP       attach through a bpf_link\n"
    "  attach SET PROGRAM --unit=UNIT  attach to a systemd unit, following it\n"
    "                                  [--attach_type=T] [--pinned]\n"
    "  detach ID                       detach one of the daemon's attachments\n"
    "  attachments [CGROUP]            attachments [--foreign]\n"
    "  maps [SET]                      maps of loaded sets\n"
    "  map SET MAP                     a map, with its key and value layout\n"
    "  lookup SET MAP [KEY]            one entry (no KEY: global variables)\n"
    "  update SET MAP KEY VALUE        write an entry "
    "[--flag=any|noexist|exist]\n"
    "                                  [--zero_fill]\n"
    "  delete SET MAP KEY              delete an entry\n"
    "  dump SET MAP | PIN              every entry, streamed [--page_size=N]\n"
    "                                  [--filter F=V]... [--sort F[:asc|:desc]]\n"
    "                                  [--top N] [--limit N]\n"
    "  top SET MAP --sort F            refreshing top-N [--rate] [-n SECONDS]\n"
    "  watch SET MAP                   entries added, changed, removed\n"
    "                                  [-n SECONDS] [-o jsonl]\n"
    "  globals SET                     global variables [--set NAME=VALUE]\n"
    "  pins                            maps pinned under --pin_root (local,\n"
    "                                  no daemon needed)\n"
    "  logs SET                        the set's BPF log records [-f]\n"
    "                                  [--level=warn] [-o jsonl]\n"
    "\n"
    "KEY and VALUE are JSON typed by the map's BTF, or hex with --raw.\n"
    "Global variables (.bss, .data, .rodata maps) have no key: give null.\n"
    "Talks to --socket (default /run/bpfwarden/api.sock); with --direct\n"
    "(root) dump, top, watch read pins under --pin_root instead, read-only\n"
    "unless --allow-write.\n";

namespace {

int Fail(const absl::Status& status) {
  std::cerr << "bpfwarden: " << absl::StatusCodeToString(status.code()) << ": "
            << status.message() << "\n";
  return 1;
}

int Usage(const std::string& what) {
  std::cerr << "bpfwarden: " << what << "\n\n" << kUsage;
  return 2;
}

ApiClient Client() {
  return ApiClient(absl::GetFlag(FLAGS_socket),
                   absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_timeout)));
}

int PrintJson(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &text, options);
  if (!status.ok()) return Fail(absl::InternalError(status.ToString()));
  std::cout << text;
  return 0;
}

// Runs one unary call and prints its response as JSON.
template <typename Response>
int Call(
    const std::function<grpc::Status(grpc::ClientContext*, Response*)>& call) {
  ApiClient client = Client();
  Response response;
  grpc::Status status = call(client.Context().get(), &response);
  if (!status.ok()) return Fail(FromGrpc(status));
  return PrintJson(response);
}

absl::StatusOr<v1::Data> ParseData(const std::string& text) {
  v1::Data data;
  if (!absl::GetFlag(FLAGS_raw)) {
    data.set_json(text);
    return data;
  }
  std::string hex;
  for (char c : text) {
    if (!absl::ascii_isspace(c)) hex.push_back(c);
  }
  if (hex.size() % 2 != 0 ||
      hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("not hex bytes: '", text, "'"));
  }
  data.set_raw(absl::HexStringToBytes(hex));
  return data;
}

v1::Encoding OutputEncoding() {
  return absl::GetFlag(FLAGS_raw) ? v1::ENCODING_RAW : v1::ENCODING_JSON;
}

v1::MapRef Ref(const Args& args) {
  v1::MapRef ref;
  ref.set_program_set(args[0]);
  ref.set_map(args[1]);
  return ref;
}

int Status(const Args&) {
  return Call<v1::StatusResponse>([](auto* ctx, auto* out) {
    return Client().daemon().Status(ctx, v1::StatusRequest(), out);
  });
}

int Sets(const Args&) {
  return Call<v1::ListProgramSetsResponse>([](auto* ctx, auto* out) {
    return Client().programs().List(ctx, v1::ListProgramSetsRequest(), out);
  });
}

int Set(const Args& args) {
  v1::GetProgramSetRequest request;
  request.set_name(args[0]);
  return Call<v1::ProgramSetInfo>([&](auto* ctx, auto* out) {
    return Client().programs().Get(ctx, request, out);
  });
}

absl::StatusOr<std::string> ReadObject(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  if (!in.is_open()) return absl::NotFoundError(absl::StrCat("no file ", path));
  return bytes;
}

// The objects are read here and uploaded, so the daemon links exactly the
// files the operator named, whoever the operator is.
int Load(const Args& args) {
  v1::LoadRequest request;
  request.mutable_program_set()->set_name(args[0]);
  for (size_t i = 1; i < args.size(); ++i) {
    absl::StatusOr<std::string> bytes = ReadObject(args[i]);
    if (!bytes.ok()) return Fail(bytes.status());
    request.add_object_blobs(*std::move(bytes));
  }
  request.set_replace_maps(absl::GetFlag(FLAGS_replace_maps));
  return Call<v1::LoadResponse>([&](auto* ctx, auto* out) {
    return Client().programs().Load(ctx, request, out);
  });
}

int Unload(const Args& args) {
  v1::UnloadRequest request;
  request.set_name(args[0]);
  request.set_unpin_maps(absl::GetFlag(FLAGS_unpin_maps));
  return Call<v1::UnloadResponse>([&](auto* ctx, auto* out) {
    return Client().programs().Unload(ctx, request, out);
  });
}

int Attach(const Args& args) {
  v1::AttachRequest request;
  v1::Attachment* attachment = request.mutable_attachment();
  attachment->set_program_set(args[0]);
  attachment->set_program(args[1]);
  const std::string unit = absl::GetFlag(FLAGS_unit);
  if (unit.empty() == (args.size() == 2)) {
    return Fail(absl::InvalidArgumentError(
        "attach: give either a CGROUP argument or --unit=UNIT"));
  }
  if (unit.empty()) {
    attachment->set_cgroup(args[2]);
  } else {
    attachment->set_unit(unit);
  }
  attachment->set_attach_type(absl::GetFlag(FLAGS_attach_type));
  attachment->set_pinned(absl::GetFlag(FLAGS_pinned));
  return Call<v1::AttachResponse>([&](auto* ctx, auto* out) {
    return Client().attachments().Attach(ctx, request, out);
  });
}

int Detach(const Args& args) {
  v1::DetachRequest request;
  request.set_id(args[0]);
  return Call<v1::DetachResponse>([&](auto* ctx, auto* out) {
    return Client().attachments().Detach(ctx, request, out);
  });
}

int AttachmentList(const Args& args) {
  v1::ListAttachmentsRequest request;
  if (!args.empty()) request.set_cgroup(args[0]);
  request.set_include_foreign(absl::GetFlag(FLAGS_foreign));
  return Call<v1::ListAttachmentsResponse>([&](auto* ctx, auto* out) {
    return Client().attachments().List(ctx, request, out);
  });
}

int MapList(const Args& args) {
  v1::ListMapsRequest request;
  if (!args.empty()) request.set_program_set(args[0]);
  return Call<v1::ListMapsResponse>([&](auto* ctx, auto* out) {
    return Client().maps().List(ctx, request, out);
  });
}

int MapGet(const Args& args) {
  v1::GetMapRequest request;
  *request.mutable_map() = Ref(args);
  return Call<v1::MapInfo>([&](auto* ctx, auto* out) {
    return Client().maps().Get(ctx, request, out);
  });
}

int Lookup(const Args& args) {
  v1::LookupRequest request;
  *request.mutable_map() = Ref(args);
  if (args.size() > 2) {  // none: the implicit key of global variables
    absl::StatusOr<v1::Data> key = ParseData(args[2]);
    if (!key.ok()) return Fail(key.status());
    *request.mutable_key() = *key;
  }
  request.set_encoding(OutputEncoding());
  request.set_zero_fill(absl::GetFlag(FLAGS_zero_fill));
  ApiClient client = Client();
  v1::LookupResponse response;
  grpc::Status status =
      client.maps().Lookup(client.Context().get(), request, &response);
  if (!status.ok()) return Fail(FromGrpc(status));
  PrintEntry(response.entry());
  return 0;
}

absl::StatusOr<v1::UpdateFlag> ParseFlag(const std::string& name) {
  static const std::map<std::string, v1::UpdateFlag> kFlags = {
      {"any", v1::ANY}, {"noexist", v1::NOEXIST}, {"exist", v1::EXIST}};
  auto it = kFlags.find(absl::AsciiStrToLower(name));
  if (it == kFlags.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--flag must be any, noexist or exist, not '", name, "'"));
  }
  return it->second;
}

int Update(const Args& args) {
  v1::UpdateRequest request;
  *request.mutable_map() = Ref(args);
  absl::StatusOr<v1::Data> key = ParseData(args[2]);
  if (!key.ok()) return Fail(key.status());
  absl::StatusOr<v1::Data> value = ParseData(args[3]);
  if (!value.ok()) return Fail(value.status());
  absl::StatusOr<v1::UpdateFlag> flag = ParseFlag(absl::GetFlag(FLAGS_flag));
  if (!flag.ok()) return Fail(flag.status());
  v1::Entry* entry = request.add_entries();
  *entry->mutable_key() = *key;
  *entry->mutable_value() = *value;
  request.set_flag(*flag);
  request.set_zero_fill(absl::GetFlag(FLAGS_zero_fill));
  return Call<v1::UpdateResponse>([&](auto* ctx, auto* out) {
    return Client().maps().Update(ctx, request, out);
  });
}

int Delete(const Args& args) {
  v1::DeleteRequest request;
  *request.mutable_map() = Ref(args);
  absl::StatusOr<v1::Data> key = ParseData(args[2]);
  if (!key.ok()) return Fail(key.status());
  *request.add_keys() = *key;
  request.set_zero_fill(absl::GetFlag(FLAGS_zero_fill));
  return Call<v1::DeleteResponse>([&](auto* ctx, auto* out) {
    return Client().maps().Delete(ctx, request, out);
  });
}

int Pins(const Args&) {
  auto maps = ListPinnedMaps(absl::GetFlag(FLAGS_pin_root));
  if (!maps.ok()) return Fail(maps.status());
  std::printf("%-8s %-16s %-6s %-6s %-6s %-10s %s\n", "ID", "NAME", "TYPE",
              "KEY", "VALUE", "MAX", "PIN");
  for (const PinnedMap& m : *maps) {
    std::printf("%-8u %-16s %-6u %-6u %-6u %-10u %s\n", m.id, m.name.c_str(),
                m.type, m.key_size, m.value_size, m.max_entries,
                m.path.c_str());
  }
  return 0;
}

struct Command {
  size_t min_args;
  size_t max_args;  // SIZE_MAX: any number
  int (*run)(const Args&);
};

const std::map<std::string, Command>& Commands() {
  static const auto* commands = new std::map<std::string, Command>{
      {"status", {0, 0, Status}},
      {"sets", {0, 0, Sets}},
      {"set", {1, 1, Set}},
      {"load", {2, SIZE_MAX, Load}},
      {"unload", {1, 1, Unload}},
      {"attach", {2, 3, Attach}},
      {"detach", {1, 1, Detach}},
      {"attachments", {0, 1, AttachmentList}},
      {"maps", {0, 1, MapList}},
      {"map", {2, 2, MapGet}},
      {"lookup", {2, 3, Lookup}},
      {"update", {4, 4, Update}},
      {"delete", {3, 3, Delete}},
      {"dump", {1, 2, DumpCommand}},
      {"globals", {1, 1, GlobalsCommand}},
      {"top", {1, 2, TopCommand}},
      {"watch", {1, 2, WatchCommand}},
      {"pins", {0, 0, Pins}},
      {"logs",
       {1, 1,
        [](const Args& args) {
          ApiClient client = Client();
          return Logs(client, args);
        }}},
  };
  return *commands;
}

}  // namespace

int Run(const std::string& command, const Args& args) {
  auto it = Commands().find(command);
  if (it == Commands().end()) {
    return Usage(absl::StrCat("unknown command '", command, "'"));
  }
  const Command& c = it->second;
  if (args.size() < c.min_args || args.size() > c.max_args) {
    return Usage(absl::StrCat("wrong number of arguments for '", command, "'"));
  }
  return c.run(args);
}

}  // namespace bpfwarden::cli
