#include "client/pins_command.h"

#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/output/layout_view.h"
#include "client/output/table_writer.h"
#include "client/output/terminal.h"
#include "client/pin_stats.h"
#include "client/pinned_maps.h"
#include "daemon/btf/json.h"


namespace bpfwarden::cli {
namespace {

using output::OutputFormat;

// One pin as JSON: bpf_map_info's fields plus the name in full (the pin
// file's name: the kernel keeps 15 characters), type name, entries and
// memlock.
Json PinJson(const PinnedMap& m, const PinStats& stats) {
  Json out = Json::object();
  out["path"] = m.path;
  out["name"] = std::filesystem::path(m.path).filename().string();
  out["kernel_name"] = m.name;
  out["id"] = m.id;
  out["type"] = stats.type_name;
  out["key_size"] = m.key_size;
  out["value_size"] = m.value_size;
  out["max_entries"] = m.max_entries;
  out["flags"] = m.flags;
  out["btf_id"] = m.btf_id;
  out["entries"] = stats.entries.has_value() ? Json(*stats.entries) : Json();
  out["memlock"] = stats.memlock;
  return out;
}

std::string Bytes(uint64_t bytes) {
  if (bytes >= (1u << 20)) return absl::StrCat(bytes >> 20, " MiB");
  if (bytes >= (1u << 10)) return absl::StrCat(bytes >> 10, " KiB");
  return absl::StrCat(bytes, " B");
}

int Pins(const Args&) {
  OutputFormat format;
  int code;
  if (!OutputFormatFromFlags(&format, &code)) return code;
  const std::string root = absl::GetFlag(FLAGS_pin_root);
  auto maps = ListPinnedMaps(root);
  if (!maps.ok()) return Fail(maps.status(), absl::StrCat("pins under ", root));
  Json all = Json::array();
  for (const PinnedMap& m : *maps) {
    absl::StatusOr<PinStats> stats = ReadPinStats(m.path);
    if (!stats.ok()) return Fail(stats.status(), "pins");
    all.push_back(PinJson(m, *stats));
  }
  if (format == OutputFormat::kJson) {
    std::cout << all.dump(2) << "\n";
    return kExitOk;
  }
  if (!output::IsHumanFormat(format)) {
    for (const Json& pin : all) std::cout << DumpJson(pin) << "\n";
    return kExitOk;
  }
  const bool wide = format == OutputFormat::kWide;
  output::TableWriter table({{"NAME"},
                             {"TYPE"},
                             {"KEY", true},
                             {"VALUE", true},
                             {"ENTRIES", true},
                             {"MAX", true},
                             {"MEMLOCK", true},
                             {"FLAGS"},
                             {"ID", true},
                             {.name = "PIN", .keep_end = true}},
                            std::cout, wide ? 0 : output::TerminalWidth());
  for (const Json& p : all) {
    table.AddRow({p["name"], p["type"], DumpJson(p["key_size"]),
                  DumpJson(p["value_size"]),
                  p["entries"].is_null() ? "-" : DumpJson(p["entries"]),
                  DumpJson(p["max_entries"]),
                  wide ? DumpJson(p["memlock"])
                       : Bytes(p["memlock"].get<uint64_t>()),
                  output::MapFlagNames(p["flags"].get<uint32_t>()),
                  DumpJson(p["id"]), p["path"]});
  }
  return kExitOk;
}

}  // namespace

const Command kPinsCommand = {
    "pins", "pins",
    "maps pinned under --pin_root (root, no daemon)",
    "--pin_root=DIR  where to look (default /sys/fs/bpf/bpfwarden)\n"
    "NAME is the pin's file name (the kernel keeps only 15 characters);\n"
    "ENTRIES counts the keys now; MEMLOCK is the kernel's accounting.",
    "bpfwarden pins\nbpfwarden pins -o jsonl", 0, 0, Pins};

}  // namespace bpfwarden::cli
