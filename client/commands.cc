#include "client/commands.h"

#include "absl/strings/str_cat.h"
#include "client/attach_commands.h"
#include "client/data_command_specs.h"
#include "client/entry_commands.h"
#include "client/help_commands.h"
#include "client/logs_command.h"
#include "client/map_commands.h"
#include "client/pins_command.h"
#include "client/program_commands.h"
#include "client/status_command.h"

namespace bpfwarden::cli {

// One line a command: a new command is its own file and one line here.
const std::vector<const Command*>& AllCommands() {
  static const auto* commands = new std::vector<const Command*>{
      &kStatusCommand,
      &kSetsCommand,
      &kSetCommand,
      &kLoadCommand,
      &kUnloadCommand,
      &kAttachCommand,
      &kDetachCommand,
      &kAttachmentsCommand,
      &kMapsCommand,
      &kMapCommand,
      &kLookupCommand,
      &kUpdateCommand,
      &kDeleteCommand,
      &kDumpCommand,
      &kTopCommand,
      &kWatchCommand,
      &kGlobalsCommand,
      &kPinsCommand,
      &kLogsCommand,
      &kHelpCommand,
      &kCompletionCommand,
      &kManCommand,
  };
  return *commands;
}

const Command* FindCommand(const std::string& name) {
  for (const Command* command : AllCommands()) {
    if (name == command->name) return command;
  }
  return nullptr;
}

int Run(const std::string& name, const Args& args) {
  const Command* command = FindCommand(name);
  if (command == nullptr) {
    return UsageError("", absl::StrCat("unknown command '", name, "'"));
  }
  if (args.size() < command->min_args || args.size() > command->max_args) {
    return UsageError(name, absl::StrCat("wrong number of arguments; usage: "
                                         "bpfwarden ",
                                         command->synopsis));
  }
  SetCurrentCommand(name, args);
  return command->run(args);
}

}  // namespace bpfwarden::cli
