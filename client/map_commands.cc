#include "client/map_commands.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/entry_commands.h"
#include "client/entry_count.h"
#include "client/output/key_values.h"
#include "client/output/layout_view.h"
#include "client/output/table_writer.h"
#include "client/output/terminal.h"

namespace bpfwarden::cli {
namespace {

using output::OutputFormat;

int Maps(const Args& args) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  v1::ListMapsRequest request;
  if (!args.empty()) request.set_program_set(args[0]);
  ApiClient client = Client();
  v1::ListMapsResponse response;
  grpc::Status status =
      client.maps().List(client.Context().get(), request, &response);
  if (!status.ok()) {
    return FailCall(status, absl::StrCat("list maps",
                                         args.empty() ? "" : " of ",
                                         args.empty() ? "" : args[0]));
  }
  if (!output::IsHumanFormat(format)) {
    return PrintList(response, response.maps(), format);
  }
  output::TableWriter table(
      {{"SET"},
       {"MAP"},
       {"TYPE"},
       {"KEY", true},
       {"VALUE", true},
       {"MAX", true},
       {"FLAGS"},
       {"ID", true}},
      std::cout, format == OutputFormat::kWide ? 0 : output::TerminalWidth());
  for (const v1::MapInfo& m : response.maps()) {
    table.AddRow({m.ref().program_set(), m.ref().map(), m.type(),
                  absl::StrCat(m.key_size()), absl::StrCat(m.value_size()),
                  absl::StrCat(m.max_entries()), output::MapFlagNames(m.flags()),
                  absl::StrCat(m.id())});
  }
  return kExitOk;
}

std::string Tree(const std::string& layout, uint32_t size) {
  if (layout.empty()) return absl::StrCat("(no BTF: ", size, " bytes)\n");
  absl::StatusOr<std::string> tree = output::LayoutTree(layout);
  return tree.ok() ? *tree : absl::StrCat("(", tree.status().message(), ")\n");
}

int Map(const Args& args) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  const v1::MapRef ref = Ref(args);
  ApiClient client = Client();
  absl::StatusOr<v1::MapInfo> info = GetMap(client, ref);
  if (!info.ok()) return Fail(info.status(), absl::StrCat("map ", RefName(ref)));
  if (!output::IsHumanFormat(format)) return PrintMessage(*info, format);
  const v1::MapInfo& m = *info;
  output::KeyValues head = {
      {"map", RefName(ref)},
      {"type", m.type()},
      {"flags", output::MapFlagNames(m.flags())},
      {"max entries", absl::StrCat(m.max_entries())},
      {"entries", FillText(CountEntries(client, ref), m.max_entries())},
      {"key size", absl::StrCat(m.key_size())},
      {"value size",
       absl::StrCat(m.value_size(),
                    m.per_cpu() ? absl::StrCat(" per CPU, ", m.possible_cpus(),
                                               " CPUs")
                                : "")},
      {"pin path", m.pin_path().empty() ? "(not pinned)" : m.pin_path()},
      {"id", absl::StrCat(m.id(), m.btf_id() != 0
                                      ? absl::StrCat(" (btf ", m.btf_id(), ")")
                                      : "")},
  };
  output::PrintKeyValues(head, std::cout);
  if (!m.internal() || !m.key_layout().empty()) {
    std::cout << "\nkey:\n" << Tree(m.key_layout(), m.key_size());
  }
  std::cout << "\nvalue:\n" << Tree(m.value_layout(), m.value_size());
  return kExitOk;
}

}  // namespace

const Command kMapsCommand = {
    "maps", "maps [SET]", "the maps of the loaded sets", "",
    "bpfwarden maps\nbpfwarden maps bpfwarden -o json", 0, 1, Maps};

const Command kMapCommand = {
    "map", "map SET MAP",
    "one map: its type, fill, pin and key/value layout",
    "The layout is a C-like tree with each field's offset and size in\n"
    "bytes, as pahole shows a struct. -o json: the API's MapInfo.",
    "bpfwarden map bpfwarden tcp_stats", 2, 2, Map};

}  // namespace bpfwarden::cli
