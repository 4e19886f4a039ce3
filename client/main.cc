// bpfwarden: the operators' CLI. Flags and dispatch only.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "client/arg_prepass.h"
#include "client/commands.h"
#include "client/help_text.h"

namespace {

// --per-cpu and --per_cpu are the same flag: the name's '-' become '_'
// (Abseil's names cannot have '-').
std::string NormalizeFlag(const char* arg) {
  std::string s = arg;
  if (s.size() < 3 || s[0] != '-' || s[1] != '-') return s;
  const size_t end = std::min(s.find('='), s.size());
  for (size_t i = 2; i < end; ++i) {
    if (s[i] == '-') s[i] = '_';
  }
  return s;
}

bool IsHelp(const std::string& arg) {
  return arg == "--help" || arg == "-h" || arg == "-help";
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("see `bpfwarden help`");
  // --filter may repeat: taken out here (absl keeps a flag's last value).
  std::vector<char*> given = bpfwarden::cli::TakeFilterArgs(argc, argv);
  argc = static_cast<int>(given.size());
  argv = given.data();
  std::vector<std::string> args;
  bool help = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = i == 0 ? argv[0] : NormalizeFlag(argv[i]);
    if (i > 0 && IsHelp(arg)) {
      help = true;
      continue;
    }
    if (arg == "--") {  // everything after is positional
      for (; i < argc; ++i) args.emplace_back(argv[i]);
      break;
    }
    args.push_back(std::move(arg));
  }
  std::vector<char*> pointers;
  for (std::string& arg : args) pointers.push_back(arg.data());
  std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(pointers.size()), pointers.data());
  if (help || positional.size() < 2) {
    const bpfwarden::cli::Command* command =
        positional.size() >= 2 ? bpfwarden::cli::FindCommand(positional[1])
                               : nullptr;
    if (command != nullptr) {
      std::cout << bpfwarden::cli::CommandHelp(*command);
    } else {
      (help ? std::cout : std::cerr) << bpfwarden::cli::GeneralHelp();
    }
    return help ? bpfwarden::cli::kExitOk : bpfwarden::cli::kExitUsage;
  }
  return bpfwarden::cli::Run(
      positional[1],
      bpfwarden::cli::Args(positional.begin() + 2, positional.end()));
}
