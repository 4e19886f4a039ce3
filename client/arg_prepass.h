// The command line before absl's flag parsing: `--filter` may be repeated,
// and absl keeps only a flag's last value, so its values are taken out here.
#ifndef BPFWARDEN_CLIENT_ARG_PREPASS_H_
#define BPFWARDEN_CLIENT_ARG_PREPASS_H_

#include <string>
#include <vector>

namespace bpfwarden::cli {

// argv without the --filter flags (--filter X, --filter=X), whose values
// FilterArgs() gives. Arguments after "--" are left alone.
std::vector<char*> TakeFilterArgs(int argc, char** argv);

// The values of every --filter, in order.
const std::vector<std::string>& FilterArgs();

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_ARG_PREPASS_H_
