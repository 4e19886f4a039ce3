// The command line before absl's flag parsing: `--filter` may be repeated
// (absl keeps only a flag's last value), and flags may be spelled with
// dashes (`--allow-write` is `--allow_write`).
#ifndef BPFWARDEN_CLIENT_ARG_PREPASS_H_
#define BPFWARDEN_CLIENT_ARG_PREPASS_H_

#include <string>
#include <vector>

namespace bpfwarden::cli {

// argv without the --filter flags (collected for FilterArgs()) and with the
// dashes in flag names turned into underscores. The strings live as long as
// the process. Arguments after "--" are left alone.
std::vector<char*> PrepareArgs(int argc, char** argv);

// The values of every --filter, in order.
const std::vector<std::string>& FilterArgs();

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_ARG_PREPASS_H_
