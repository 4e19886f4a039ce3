// `bpfwarden top SET MAP --sort FIELD [--rate] [-n SECONDS] [--top N]
// [--filter F=V]...`: a refreshing view like top(1). Every interval, the N
// entries with the largest value of FIELD, or with --rate of its change per
// second, over the daemon or --direct. `q` quits.
#ifndef BPFWARDEN_CLIENT_TOP_COMMAND_H_
#define BPFWARDEN_CLIENT_TOP_COMMAND_H_

#include <string>
#include <vector>

namespace bpfwarden::cli {

int TopCommand(const std::vector<std::string>& args);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_TOP_COMMAND_H_
