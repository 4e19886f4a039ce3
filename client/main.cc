// bpfwarden: the operators' CLI. Flags and dispatch only.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "client/arg_prepass.h"
#include "client/commands.h"
#include "client/help_text.h"

namespace {

bool IsHelp(const char* arg) {
  const std::string s = arg;
  return s == "--help" || s == "-h" || s == "-help";
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("see `bpfwarden help`");
  // --help (anywhere before "--") is ours: the command's help when a
  // command is named, not Abseil's list of every flag.
  std::vector<char*> args;
  bool help = false;
  for (char* arg : bpfwarden::cli::PrepareArgs(argc, argv)) {
    if (args.empty() || !IsHelp(arg)) {
      args.push_back(arg);
    } else {
      help = true;
    }
  }
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
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
