#include "client/dump_command.h"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/entry_commands.h"

ABSL_FLAG(uint32_t, page_size, 0,
          "dump: entries a page (0: the largest the daemon allows)");

namespace bpfwarden::cli {
namespace {

int Dump(const Args& args) {
  output::PrintOptions options;
  int code;
  if (!EntryPrintOptions(&options, &code)) return code;
  const v1::MapRef ref = Ref(args);
  const std::string what = absl::StrCat("dump ", RefName(ref));
  ApiClient client = Client();
  absl::StatusOr<v1::MapInfo> info = GetMap(client, ref);
  if (!info.ok()) return Fail(info.status(), what);
  auto printer = output::EntryPrinter::Create(*info, options, std::cout);
  if (!printer.ok()) return Fail(printer.status(), what);
  v1::DumpRequest request;
  *request.mutable_map() = ref;
  // Large pages: fewer round trips (the daemon caps the size it serves).
  constexpr uint32_t kLargePage = 4096;
  const uint32_t page_size = absl::GetFlag(FLAGS_page_size);
  request.set_page_size(page_size == 0 ? kLargePage : page_size);
  request.set_encoding(output::EncodingFor(options.format));
  request.set_packed(true);
  auto context = client.Context();
  auto reader = client.maps().Dump(context.get(), request);
  v1::DumpResponse page;
  absl::Status printed;
  while (printed.ok() && reader->Read(&page)) {
    printed = (*printer)->AddPage(page);
  }
  if (!printed.ok()) {
    context->TryCancel();
    reader->Finish();
    return Fail(printed, what);
  }
  grpc::Status status = reader->Finish();
  if (absl::Status s = (*printer)->Finish(); !s.ok()) return Fail(s, what);
  return status.ok() ? kExitOk : FailCall(status, what);
}

}  // namespace

const Command kDumpCommand = {
    "dump", "dump SET MAP", "every entry of a map",
    "A table by default: one column a BTF field, nested structs as dotted\n"
    "names (key.remote_addr), per-CPU values summed (--per-cpu: a row per\n"
    "CPU). -o wide never cuts; -o json is one document, -o jsonl one\n"
    "{\"key\":K,\"value\":V} a line; -o raw hex bytes.\n"
    "--page_size=N  entries a page (default: the daemon's largest)",
    "bpfwarden dump bpfwarden tcp_stats\n"
    "bpfwarden dump bpfwarden tcp_stats -o jsonl | jq .value.bytes_acked",
    2, 2, Dump};

}  // namespace bpfwarden::cli
