#include "client/flag_list.h"

#include <algorithm>

#include "absl/flags/reflection.h"
#include "absl/strings/match.h"

namespace bpfwarden::cli {

std::vector<FlagDoc> ClientFlags() {
  std::vector<FlagDoc> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!absl::StrContains(flag->Filename(), "client/")) continue;
    flags.push_back({std::string(name), flag->Help(), flag->DefaultValue()});
  }
  std::sort(flags.begin(), flags.end(),
            [](const FlagDoc& a, const FlagDoc& b) { return a.name < b.name; });
  return flags;
}

}  // namespace bpfwarden::cli
