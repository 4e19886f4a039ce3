#include "client/map_source.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace bpfwarden::cli {

std::string MapTarget::Label() const {
  return pin_path.empty() ? absl::StrCat(set, "/", map) : pin_path;
}

absl::StatusOr<MapTarget> TargetFromArgs(const std::vector<std::string>& args,
                                         const std::string& pin_root) {
  MapTarget target;
  if (args.size() >= 2) {
    target.set = args[0];
    target.map = args[1];
    return target;
  }
  if (args.size() == 1 && absl::StartsWith(args[0], "/")) {
    target.pin_path = args[0];
    // The daemon knows maps by set and name: a path under the pin root is
    // <pin_root>/<set>/<map>.
    std::string root(absl::StripSuffix(pin_root, "/"));
    absl::string_view rest = args[0];
    if (absl::ConsumePrefix(&rest, absl::StrCat(root, "/"))) {
      std::vector<std::string> parts = absl::StrSplit(rest, '/');
      if (parts.size() == 2) {
        target.set = parts[0];
        target.map = parts[1];
      }
    }
    return target;
  }
  return absl::InvalidArgumentError(
      "name the map as SET MAP, or by its pin path (/sys/fs/bpf/...)");
}

}  // namespace bpfwarden::cli
