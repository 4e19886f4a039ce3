#include "client/help_commands.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/help_text.h"

namespace bpfwarden::cli {
namespace {

int Help(const Args& args) {
  if (args.empty()) {
    std::cout << GeneralHelp();
    return kExitOk;
  }
  const Command* command = FindCommand(args[0]);
  if (command == nullptr) {
    return UsageError("help", absl::StrCat("no command '", args[0], "'"));
  }
  std::cout << CommandHelp(*command);
  return kExitOk;
}

int Completion(const Args& args) {
  if (args[0] != "bash") {
    return UsageError("completion",
                      absl::StrCat("no completion for '", args[0],
                                   "': only bash"));
  }
  std::cout << BashCompletion();
  return kExitOk;
}

int Man(const Args&) {
  std::cout << ManPage();
  return kExitOk;
}

}  // namespace

const Command kHelpCommand = {
    "help", "help [COMMAND]", "this help, or one command's", "",
    "bpfwarden help dump", 0, 1, Help};

const Command kCompletionCommand = {
    "completion", "completion bash", "a bash completion script",
    "Source it, or install it as\n"
    "/usr/share/bash-completion/completions/bpfwarden (tools/install does).",
    "source <(bpfwarden completion bash)", 1, 1, Completion};

const Command kManCommand = {
    "man", "man", "the bpfwarden(1) man page, in roff",
    "Made from the same descriptions as --help; tools/install installs it.",
    "bpfwarden man | man -l -", 0, 0, Man};

}  // namespace bpfwarden::cli
