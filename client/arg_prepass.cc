#include "client/arg_prepass.h"

#include <deque>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"

namespace bpfwarden::cli {
namespace {

std::vector<std::string>& Filters() {
  static auto* filters = new std::vector<std::string>();
  return *filters;
}

// "--allow-write=x" -> "--allow_write=x"; the value is kept as it is.
std::string Underscored(const std::string& arg) {
  const size_t eq = arg.find('=');
  std::string name = arg.substr(0, eq);
  name = "--" + absl::StrReplaceAll(name.substr(2), {{"-", "_"}});
  return eq == std::string::npos ? name : name + arg.substr(eq);
}

}  // namespace

std::vector<char*> PrepareArgs(int argc, char** argv) {
  static auto* storage = new std::deque<std::string>();
  std::vector<char*> out;
  bool flags_done = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i == 0 || flags_done || !absl::StartsWith(arg, "--")) {
      out.push_back(argv[i]);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      out.push_back(argv[i]);
      continue;
    }
    if (arg == "--filter" && i + 1 < argc) {
      Filters().push_back(argv[++i]);
      continue;
    }
    if (absl::StartsWith(arg, "--filter=")) {
      Filters().push_back(arg.substr(9));
      continue;
    }
    storage->push_back(Underscored(arg));
    out.push_back(storage->back().data());
  }
  return out;
}

const std::vector<std::string>& FilterArgs() { return Filters(); }

}  // namespace bpfwarden::cli
