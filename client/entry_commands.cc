#include "client/entry_commands.h"

#include <iostream>
#include <map>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "client/open_source.h"
#include "client/output_flags.h"

ABSL_FLAG(bool, raw, false,
          "KEY and VALUE are hex bytes, not JSON; output is -o raw");
ABSL_FLAG(std::string, flag, "any", "update: any, noexist or exist");
ABSL_FLAG(bool, zero_fill, false, "missing JSON fields become zero");

namespace bpfwarden::cli {

v1::MapRef Ref(const Args& args) {
  v1::MapRef ref;
  ref.set_program_set(args[0]);
  ref.set_map(args[1]);
  return ref;
}

std::string RefName(const v1::MapRef& ref) {
  return absl::StrCat(ref.program_set(), "/", ref.map());
}

absl::StatusOr<v1::MapInfo> GetMap(ApiClient& client, const v1::MapRef& ref) {
  v1::GetMapRequest request;
  *request.mutable_map() = ref;
  v1::MapInfo info;
  grpc::Status status = client.maps().Get(client.Context().get(), request, &info);
  if (!status.ok()) return FromGrpc(status);
  return info;
}

bool EntryPrintOptions(output::PrintOptions* options, int* exit_code) {
  absl::StatusOr<output::PrintOptions> parsed = PrintOptionsFromFlags();
  if (!parsed.ok()) {
    *exit_code = Fail(parsed.status(), "-o");
    return false;
  }
  *options = *parsed;
  if (absl::GetFlag(FLAGS_raw)) options->format = output::OutputFormat::kRaw;
  return true;
}

namespace {

absl::StatusOr<v1::Data> ParseData(const std::string& text, const char* what) {
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
        absl::StrCat(what, " is not hex bytes: '", text, "'"));
  }
  data.set_raw(absl::HexStringToBytes(hex));
  return data;
}

int Lookup(const Args& args) {
  output::PrintOptions options;
  int code;
  if (!EntryPrintOptions(&options, &code)) return code;
  const v1::MapRef ref = Ref(args);
  const std::string what = absl::StrCat("lookup in ", RefName(ref));
  v1::LookupRequest request;
  *request.mutable_map() = ref;
  if (args.size() > 2) {  // none: the implicit key of global variables
    absl::StatusOr<v1::Data> key = ParseData(args[2], "KEY");
    if (!key.ok()) return Fail(key.status(), what);
    *request.mutable_key() = *key;
  }
  request.set_encoding(output::EncodingFor(options.format));
  request.set_zero_fill(absl::GetFlag(FLAGS_zero_fill));
  ApiClient client = Client();
  absl::StatusOr<v1::MapInfo> info = GetMap(client, ref);
  if (!info.ok()) return Fail(info.status(), what);
  v1::LookupResponse response;
  grpc::Status status =
      client.maps().Lookup(client.Context().get(), request, &response);
  if (!status.ok()) return FailCall(status, what);
  auto printer = output::EntryPrinter::Create(*info, options, std::cout);
  if (!printer.ok()) return Fail(printer.status(), what);
  absl::Status printed = (*printer)->Add(response.entry());
  if (printed.ok()) printed = (*printer)->Finish();
  return printed.ok() ? kExitOk : Fail(printed, what);
}

absl::StatusOr<v1::UpdateFlag> ParseFlag(const std::string& name) {
  static const auto* kFlags = new std::map<std::string, v1::UpdateFlag>{
      {"any", v1::ANY}, {"noexist", v1::NOEXIST}, {"exist", v1::EXIST}};
  auto it = kFlags->find(absl::AsciiStrToLower(name));
  if (it == kFlags->end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--flag must be any, noexist or exist, not '", name, "'"));
  }
  return it->second;
}

int Update(const Args& args) {
  const v1::MapRef ref = Ref(args);
  const std::string what = absl::StrCat("update ", RefName(ref));
  v1::UpdateRequest request;
  *request.mutable_map() = ref;
  absl::StatusOr<v1::Data> key = ParseData(args[2], "KEY");
  if (!key.ok()) return Fail(key.status(), what);
  absl::StatusOr<v1::Data> value = ParseData(args[3], "VALUE");
  if (!value.ok()) return Fail(value.status(), what);
  absl::StatusOr<v1::UpdateFlag> flag = ParseFlag(absl::GetFlag(FLAGS_flag));
  if (!flag.ok()) return Fail(flag.status(), what);
  v1::Entry* entry = request.add_entries();
  *entry->mutable_key() = *key;
  *entry->mutable_value() = *value;
  request.set_flag(*flag);
  request.set_zero_fill(absl::GetFlag(FLAGS_zero_fill));
  v1::UpdateResponse response;
  if (DirectMode()) {  // into the pin itself: root, --allow-write
    absl::Status s = UpdateEntry({args[0], args[1]}, *entry, *flag,
                                 request.zero_fill());
    if (!s.ok()) return Fail(s, what);
    response.set_updated(1);
  } else {
    ApiClient client = Client();
    grpc::Status status =
        client.maps().Update(client.Context().get(), request, &response);
    if (!status.ok()) return FailCall(status, what);
  }
  std::cout << "updated " << response.updated() << " entry in "
            << RefName(ref) << "\n";
  return kExitOk;
}

int Delete(const Args& args) {
  const v1::MapRef ref = Ref(args);
  const std::string what = absl::StrCat("delete from ", RefName(ref));
  v1::DeleteRequest request;
  *request.mutable_map() = ref;
  absl::StatusOr<v1::Data> key = ParseData(args[2], "KEY");
  if (!key.ok()) return Fail(key.status(), what);
  *request.add_keys() = *key;
  request.set_zero_fill(absl::GetFlag(FLAGS_zero_fill));
  ApiClient client = Client();
  v1::DeleteResponse response;
  grpc::Status status =
      client.maps().Delete(client.Context().get(), request, &response);
  if (!status.ok()) return FailCall(status, what);
  std::cout << "deleted " << response.deleted() << " entry from "
            << RefName(ref) << "\n";
  return kExitOk;
}

}  // namespace

const Command kLookupCommand = {
    "lookup", "lookup SET MAP [KEY]",
    "one entry (no KEY: a section's global variables)",
    "KEY is JSON typed by the map's BTF (addresses as text, enums by name),\n"
    "or hex bytes with --raw. --zero_fill: missing key fields are zero.",
    "bpfwarden lookup bpfwarden tcp_tune_rules "
    "'{\"prefixlen\":104,\"addr\":\"10.1.0.0\"}' --zero_fill",
    2, 3, Lookup};

const Command kUpdateCommand = {
    "update", "update SET MAP KEY VALUE", "write one entry",
    "--flag=any|noexist|exist  as BPF_ANY, BPF_NOEXIST, BPF_EXIST\n"
    "--zero_fill               missing JSON fields are zero\n"
    "--raw                     KEY and VALUE are hex bytes",
    "bpfwarden update bpfwarden tcp_tune_rules "
    "'{\"prefixlen\":104,\"addr\":\"10.1.0.0\"}' "
    "'{\"rule_id\":7,\"congestion\":\"reno\"}' --zero_fill",
    4, 4, Update};

const Command kDeleteCommand = {
    "delete", "delete SET MAP KEY", "delete one entry",
    "--zero_fill  missing JSON key fields are zero",
    "bpfwarden delete bpfwarden tcp_tune_rules "
    "'{\"prefixlen\":104,\"addr\":\"10.1.0.0\"}' --zero_fill",
    3, 3, Delete};

}  // namespace bpfwarden::cli
