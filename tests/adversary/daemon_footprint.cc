#include "tests/adversary/daemon_footprint.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace bpfwarden::testing {

absl::StatusOr<Footprint> FootprintOf(pid_t pid) {
  Footprint out;
  const std::string proc = absl::StrCat("/proc/", pid);
  std::ifstream status(proc + "/status");
  std::string line;
  while (std::getline(status, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmRSS:")) continue;
    rest = absl::StripAsciiWhitespace(absl::StripSuffix(rest, " kB"));
    if (!absl::SimpleAtoi(rest, &out.rss_kib)) break;
  }
  if (out.rss_kib <= 0) {
    return absl::NotFoundError(absl::StrCat("no VmRSS in ", proc, "/status"));
  }
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(proc + "/fd", error);
       !error && it != std::filesystem::directory_iterator();
       it.increment(error)) {
    ++out.fds;
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("listing ", proc, "/fd: ", error.message()));
  }
  return out;
}

bool Within(int64_t now, int64_t steady, int percent, int64_t slack) {
  const int64_t allowed = std::max(steady * percent / 100, slack);
  return std::llabs(now - steady) <= allowed;
}

std::set<std::string> PinsUnder(const std::string& root) {
  std::set<std::string> out;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       !error && it != std::filesystem::recursive_directory_iterator();
       it.increment(error)) {
    out.insert(std::filesystem::relative(it->path(), root).string());
  }
  if (error) out.insert("<error listing: " + error.message() + ">");
  return out;
}

}  // namespace bpfwarden::testing
