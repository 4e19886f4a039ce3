#include "tests/testing/map_fds.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::testing {

absl::StatusOr<int> CountMapFds(pid_t pid, uint32_t map_id) {
  const std::string dir = absl::StrCat("/proc/", pid, "/fdinfo");
  const std::string wanted = absl::StrCat("map_id:\t", map_id);
  std::error_code ec;
  std::filesystem::directory_iterator entries(dir, ec);
  if (ec) return ErrnoStatus(ec.value(), absl::StrCat("list ", dir));
  int count = 0;
  for (const auto& entry : entries) {
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line == wanted) {
        ++count;
        break;
      }
    }
  }
  return count;
}

}  // namespace bpfwarden::testing
