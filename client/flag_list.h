// The CLI's own flags (those defined under client/), for the man page and
// the completion.
#ifndef BPFWARDEN_CLIENT_FLAG_LIST_H_
#define BPFWARDEN_CLIENT_FLAG_LIST_H_

#include <string>
#include <vector>

namespace bpfwarden::cli {

struct FlagDoc {
  std::string name;  // as typed: "per-cpu", "pin_root", "o"
  std::string help;
  std::string default_value;
};

// Sorted by name. Flags whose names have '_' are listed as written; a '-'
// works as well on the command line.
std::vector<FlagDoc> ClientFlags();

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_FLAG_LIST_H_
