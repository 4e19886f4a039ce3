// "name   value" lines, the names padded to one width: the head of a
// human view (status, set, map).
#ifndef BPFWARDEN_CLIENT_OUTPUT_KEY_VALUES_H_
#define BPFWARDEN_CLIENT_OUTPUT_KEY_VALUES_H_

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace bpfwarden::cli::output {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

void PrintKeyValues(const KeyValues& lines, std::ostream& out);

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_KEY_VALUES_H_
