#include "tests/core/core_testing.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <filesystem>

#include "daemon/base/errno_status.h"

namespace bpfwarden::testing {

std::vector<std::string> PinsUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!e.is_directory()) out.push_back(e.path().string());
  }
  return out;
}

absl::StatusOr<probe_value> ReadProbe(int map_fd) {
  uint32_t zero = 0;
  probe_value value{};
  if (bpf_map_lookup_elem(map_fd, &zero, &value) != 0) {
    return ErrnoStatus(errno, "lookup probe[0]");
  }
  return value;
}

}  // namespace bpfwarden::testing
