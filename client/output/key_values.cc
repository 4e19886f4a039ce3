#include "client/output/key_values.h"

#include <algorithm>

#include "client/output/table_writer.h"

namespace bpfwarden::cli::output {

void PrintKeyValues(const KeyValues& lines, std::ostream& out) {
  size_t width = 0;
  for (const auto& [name, value] : lines) {
    width = std::max(width, DisplayWidth(name));
  }
  for (const auto& [name, value] : lines) {
    out << name << std::string(width - DisplayWidth(name) + 2, ' ') << value
        << "\n";
  }
}

}  // namespace bpfwarden::cli::output
