#include "daemon/metrics/cgroup_names.h"

#include <sys/stat.h>

#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "daemon/metrics/map_pages.h"
#include "daemon/metrics/utf8.h"

namespace bpfwarden::metrics {

absl::StatusOr<CgroupNames> CgroupNames::Scan(const std::string& mount,
                                              absl::Time deadline) {
  CgroupNames names;
  namespace fs = std::filesystem;
  struct stat st;
  if (::stat(mount.c_str(), &st) == 0) names.paths_[st.st_ino] = "/";
  std::error_code ec;
  fs::recursive_directory_iterator it(
      mount, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(kBudgetSpent);
    }
    if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
    const std::string path = it->path().string();
    if (::stat(path.c_str(), &st) != 0) continue;
    names.paths_[st.st_ino] = ToValidUtf8(path.substr(mount.size()));
  }
  return names;
}

std::string CgroupNames::Path(uint64_t id) const {
  auto it = paths_.find(id);
  return it == paths_.end() ? std::string() : it->second;
}

std::string CgroupNames::UnitOf(absl::string_view path) {
  static constexpr absl::string_view kSuffixes[] = {
      ".service", ".scope", ".socket", ".mount", ".swap", ".slice"};
  std::vector<absl::string_view> parts =
      absl::StrSplit(path, '/', absl::SkipEmpty());
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    for (absl::string_view suffix : kSuffixes) {
      if (absl::EndsWith(*it, suffix) && it->size() > suffix.size()) {
        return std::string(*it);
      }
    }
  }
  return "";
}

}  // namespace bpfwarden::metrics
