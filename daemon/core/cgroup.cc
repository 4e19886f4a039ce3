#include "daemon/core/cgroup.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

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

absl::StatusOr<std::string> ResolveCgroup2Dir(const std::string& path,
                                              const std::string& mount) {
  std::string candidate;
  struct stat st;
  if (path.empty() || path == "/") {
    candidate = mount;
  } else if (path == mount || absl::StartsWith(path, mount + "/")) {
    candidate = path;
  } else if (path[0] == '/' && ::stat(path.c_str(), &st) == 0) {
    candidate = path;
  } else {
    candidate = absl::StrCat(mount, "/", absl::StripPrefix(path, "/"));
  }
  char real[PATH_MAX];
  if (::realpath(candidate.c_str(), real) == nullptr) {
    return ErrnoStatus(errno, absl::StrCat("cgroup ", candidate));
  }
  char real_mount[PATH_MAX];
  if (::realpath(mount.c_str(), real_mount) == nullptr) {
    return ErrnoStatus(errno, absl::StrCat("cgroup v2 mount ", mount));
  }
  const std::string resolved = real;
  const std::string root = real_mount;
  if (::stat(real, &st) != 0)
    return ErrnoStatus(errno, absl::StrCat("stat ", resolved));
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cgroup ", resolved, " is not a directory"));
  }
  struct statfs fs;
  if (::statfs(real, &fs) != 0) {
    return ErrnoStatus(errno, absl::StrCat("statfs ", resolved));
  }
  if (static_cast<unsigned long>(fs.f_type) == CGROUP_SUPER_MAGIC) {
    return absl::InvalidArgumentError(absl::StrCat(
        resolved,
        " is a cgroup v1 directory; bpfwarden attaches to cgroup v2 "
        "only (mounted at ",
        root, ")"));
  }
  if (static_cast<unsigned long>(fs.f_type) != CGROUP2_SUPER_MAGIC ||
      (resolved != root && !absl::StartsWith(resolved, root + "/"))) {
    return absl::InvalidArgumentError(absl::StrCat(
        resolved, " is outside the cgroup v2 hierarchy mounted at ", root));
  }
  return resolved;
}

absl::StatusOr<std::string> ResolveCgroup2DirBeneath(const std::string& path,
                                                     const std::string& mount) {
  absl::string_view rel = path;
  if (!absl::ConsumePrefix(&rel, mount + "/") && rel != mount) {
    absl::ConsumePrefix(&rel, "/");
  } else if (rel == mount) {
    rel = "";
  }
  const std::string quoted =
      absl::StrCat("cgroup \"", absl::CHexEscape(path), "\"");
  const std::filesystem::path normal =
      std::filesystem::path(rel.empty() ? "." : std::string(rel))
          .lexically_normal();
  if (normal.empty() || *normal.begin() == "..") {
    return absl::InvalidArgumentError(absl::StrCat(
        quoted, " leaves the cgroup v2 hierarchy mounted at ", mount));
  }
  char real_mount[PATH_MAX];
  if (::realpath(mount.c_str(), real_mount) == nullptr) {
    return ErrnoStatus(errno, absl::StrCat("cgroup v2 mount ", mount));
  }
  UniqueFd root(::open(real_mount, O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return ErrnoStatus(errno, absl::StrCat("open ", real_mount));
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
                RESOLVE_NO_XDEV;
  UniqueFd dir(static_cast<int>(
      ::syscall(SYS_openat2, root.get(), normal.c_str(), &how, sizeof(how))));
  if (!dir) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return absl::NotFoundError(
          absl::StrCat(quoted, ": no such cgroup under ", mount));
    }
    if (err == EXDEV || err == ELOOP) {
      return absl::InvalidArgumentError(absl::StrCat(
          quoted, " leaves the cgroup v2 hierarchy mounted at ", mount));
    }
    return ErrnoStatus(err, quoted);
  }
  struct statfs fs;
  if (::fstatfs(dir.get(), &fs) != 0 ||
      static_cast<unsigned long>(fs.f_type) != CGROUP2_SUPER_MAGIC) {
    return absl::InvalidArgumentError(
        absl::StrCat(quoted, " is not a cgroup v2 directory"));
  }
  const std::string real = real_mount;
  return normal == "." ? real : absl::StrCat(real, "/", normal.string());
}

}  // namespace bpfwarden
