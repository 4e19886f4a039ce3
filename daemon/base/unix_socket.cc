#include "daemon/base/unix_socket.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"

namespace bpfwarden {
namespace {

absl::StatusOr<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("socket path \"", path, "\": empty or longer than ",
                     sizeof(addr.sun_path) - 1, " bytes"));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

std::optional<gid_t> GroupId(const std::string& name) {
  std::vector<char> buf(16384);
  group gr{};
  group* found = nullptr;
  while (getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) ==
         ERANGE) {
    buf.resize(buf.size() * 2);
  }
  if (found == nullptr) return std::nullopt;
  return found->gr_gid;
}

// Removes a socket file nobody answers on; refuses a live one or a file
// that is not a socket.
absl::Status RemoveStale(const std::string& path, const sockaddr_un& addr) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return ErrnoStatus(errno, absl::StrCat("stat ", path));
  }
  if (!S_ISSOCK(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists and is not a socket"));
  }
  UniqueFd probe(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe) return ErrnoStatus(errno, "socket");
  if (connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr),
              sizeof(addr)) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": another server is listening on it (is bpfwardend running?)"));
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, absl::StrCat("remove stale socket ", path));
  }
  return absl::OkStatus();
}

absl::Status EnsureParent(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return absl::OkStatus();
  std::string dir = path.substr(0, slash);
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, absl::StrCat("create ", dir));
  }
  return absl::OkStatus();
}

absl::Status SetOwnership(const std::string& path,
                          const UnixSocketOptions& options) {
  if (chmod(path.c_str(), options.mode) != 0) {
    return ErrnoStatus(errno, absl::StrCat("chmod ", path));
  }
  if (options.group.empty()) return absl::OkStatus();
  std::optional<gid_t> gid = GroupId(options.group);
  if (!gid.has_value()) {
    BPFWARDEN_LOG(WARNING) << "group \"" << options.group
                           << "\" does not exist: " << path
                           << " keeps the daemon's group, so only root can "
                              "connect (create the group with "
                              "systemd-sysusers or groupadd)";
    return absl::OkStatus();
  }
  if (chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0) {
    return ErrnoStatus(
        errno, absl::StrCat("chown ", path, " to group ", options.group));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<UniqueFd> BindUnixSocket(const UnixSocketOptions& options) {
  absl::StatusOr<sockaddr_un> addr = Address(options.path);
  if (!addr.ok()) return addr.status();
  if (absl::Status s = EnsureParent(options.path); !s.ok()) return s;
  if (absl::Status s = RemoveStale(options.path, *addr); !s.ok()) return s;

  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus(errno, "socket(AF_UNIX)");
  // bind(2) creates the file with the socket inode's mode minus the umask:
  // narrowing it first means the file is never wider than `mode`.
  if (fchmod(fd.get(), options.mode) != 0) {
    return ErrnoStatus(errno, "fchmod(socket)");
  }
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr),
           sizeof(*addr)) != 0) {
    return ErrnoStatus(errno, absl::StrCat("bind ", options.path));
  }
  if (absl::Status s = SetOwnership(options.path, options); !s.ok()) {
    unlink(options.path.c_str());
    return s;
  }
  if (listen(fd.get(), SOMAXCONN) != 0) {
    unlink(options.path.c_str());
    return ErrnoStatus(errno, absl::StrCat("listen ", options.path));
  }
  return fd;
}

absl::StatusOr<std::string> UnixSocketPath(int fd) {
  sockaddr_un addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return ErrnoStatus(errno, "getsockname(inherited socket)");
  }
  if (len > offsetof(sockaddr_un, sun_path) && addr.sun_path[0] != '\0') {
    return std::string(addr.sun_path);
  }
  return std::string("(unnamed socket)");
}

}  // namespace bpfwarden
