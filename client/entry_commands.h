// Map entries one at a time: lookup, update, delete; and what dump shares
// with them.
#ifndef BPFWARDEN_CLIENT_ENTRY_COMMANDS_H_
#define BPFWARDEN_CLIENT_ENTRY_COMMANDS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "client/command.h"
#include "client/output/entry_printer.h"

namespace bpfwarden::cli {

extern const Command kLookupCommand;
extern const Command kUpdateCommand;
extern const Command kDeleteCommand;

// SET and MAP from the first two arguments.
v1::MapRef Ref(const Args& args);

// "SET/MAP", for errors.
std::string RefName(const v1::MapRef& ref);

// The map's description (Maps.Get).
absl::StatusOr<v1::MapInfo> GetMap(ApiClient& client, const v1::MapRef& ref);

// -o (with --raw meaning -o raw) and --per-cpu; a bad -o is printed and
// its exit code set.
bool EntryPrintOptions(output::PrintOptions* options, int* exit_code);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_ENTRY_COMMANDS_H_
