#include "daemon/cgroup.h"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/errno_status.h"

namespace bpfwarden {

absl::StatusOr<std::string> ParseCgroup2Mount(absl::string_view proc_mounts) {
  for (absl::string_view line : absl::StrSplit(proc_mounts, '\n')) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() >= 3 && fields[2] == "cgroup2") {
      return std::string(fields[1]);
    }
  }
  return absl::NotFoundError(
      "no cgroup2 filesystem is mounted (looked in /proc/mounts)");
}

absl::StatusOr<std::string> FindCgroup2Mount() {
  std::ifstream in("/proc/mounts");
  if (!in) return ErrnoStatus(errno, "read /proc/mounts");
  std::stringstream text;
  text << in.rdbuf();
  return ParseCgroup2Mount(text.str());
}

absl::StatusOr<uint64_t> CgroupId(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return ErrnoStatus(errno, absl::StrCat("stat cgroup ", path));
  }
  return static_cast<uint64_t>(st.st_ino);
}

}  // namespace bpfwarden
