#include "daemon/core/pin_rollback.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden {
namespace {

std::string NameOf(const std::filesystem::path& path) {
  return path.filename().string();
}

// The entries of a bpffs directory (none if it does not exist).
std::vector<std::filesystem::path> ListDir(const std::string& dir) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    paths.push_back(e.path());
  }
  return paths;
}

}  // namespace

PinRollback::PinRollback(std::string dir) : dir_(std::move(dir)) {
  for (const std::filesystem::path& path : ListDir(dir_)) {
    before_.insert(NameOf(path));
  }
  struct stat st;
  existed_ = ::stat(dir_.c_str(), &st) == 0;
}

PinRollback::~PinRollback() {
  if (committed_) return;
  for (const std::filesystem::path& path : ListDir(dir_)) {
    if (!before_.count(NameOf(path))) ::unlink(path.c_str());
  }
  for (const auto& [backup, original] : replaced_) {
    ::rename(backup.c_str(), original.c_str());
  }
  if (!existed_) ::rmdir(dir_.c_str());
}

absl::Status PinRollback::MakeDir() {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, absl::StrCat("create pin directory ", dir_));
  }
  return absl::OkStatus();
}

absl::Status PinRollback::Replace(const std::string& path,
                                  const std::string& backup) {
  if (::rename(path.c_str(), backup.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("move aside ", path));
  }
  before_.insert(NameOf(backup));
  replaced_.emplace_back(backup, path);
  return absl::OkStatus();
}

void PinRollback::Commit() {
  if (committed_) return;
  committed_ = true;
  for (const auto& [backup, original] : replaced_) ::unlink(backup.c_str());
}

}  // namespace bpfwarden
