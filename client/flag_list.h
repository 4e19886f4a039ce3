// The CLI's own flags (those defined under client/), for the man page and
// the completion.
#ifndef BPFWARDEN_CLIENT_FLAG_LIST_H_
#define BPFWARDEN_CLIENT_FLAG_LIST_H_

#include <string>
#include <vector>

namespace bpfwarden::cli {

struct FlagDoc {
  std::string name;  // "per_cpu", "pin_root", "o"
  std::string help;
  std::string default_value;
};

// Sorted by name, as Abseil knows them ("per_cpu"); on the command line a
// '-' works as well as a '_' (--per-cpu), and the docs show the '-'.
std::vector<FlagDoc> ClientFlags();

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_FLAG_LIST_H_
