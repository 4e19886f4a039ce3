// bpfwarden: the operators' CLI.
#include <linux/bpf.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "client/pinned_maps.h"

ABSL_FLAG(std::string, pin_root, "/sys/fs/bpf/bpfwarden",
          "bpffs directory under which bpfwardend pins its maps");

namespace {

constexpr char kUsage[] =
    "bpfwarden: inspect bpfwarden's pinned maps and drive bpfwardend.\n"
    "\n"
    "Commands:\n"
    "  maps    list the maps pinned under --pin_root\n";

int ListMaps() {
  auto maps = bpfwarden::ListPinnedMaps(absl::GetFlag(FLAGS_pin_root));
  if (!maps.ok()) {
    std::cerr << "bpfwarden: " << maps.status().message() << "\n";
    return 1;
  }
  std::printf("%-8s %-16s %-6s %-6s %-6s %-10s %s\n", "ID", "NAME", "TYPE",
              "KEY", "VALUE", "MAX", "PIN");
  for (const bpfwarden::PinnedMap& m : *maps) {
    std::printf("%-8u %-16s %-6u %-6u %-6u %-10u %s\n", m.id, m.name.c_str(),
                m.type, m.key_size, m.value_size, m.max_entries,
                m.path.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string command = args[1];
  if (command == "maps") return ListMaps();
  std::cerr << "bpfwarden: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
