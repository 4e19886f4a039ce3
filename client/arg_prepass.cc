#include "client/arg_prepass.h"

#include "absl/strings/match.h"

namespace bpfwarden::cli {
namespace {

std::vector<std::string>& Filters() {
  static auto* filters = new std::vector<std::string>();
  return *filters;
}

}  // namespace

std::vector<char*> TakeFilterArgs(int argc, char** argv) {
  std::vector<char*> out;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i > 0 && arg == "--") {
      out.insert(out.end(), argv + i, argv + argc);
      break;
    }
    if (i > 0 && arg == "--filter" && i + 1 < argc) {
      Filters().push_back(argv[++i]);
    } else if (i > 0 && absl::StartsWith(arg, "--filter=")) {
      Filters().push_back(arg.substr(9));
    } else {
      out.push_back(argv[i]);
    }
  }
  return out;
}

const std::vector<std::string>& FilterArgs() { return Filters(); }

}  // namespace bpfwarden::cli
