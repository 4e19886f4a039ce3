#include "daemon/api/unix_listener.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"
#include "daemon/policy/unix_identity.h"
#include "grpcpp/server_posix.h"

namespace bpfwarden::api {
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
                          const UnixListenerOptions& options) {
  if (chmod(path.c_str(), options.mode) != 0) {
    return ErrnoStatus(errno, absl::StrCat("chmod ", path));
  }
  if (options.group.empty()) return absl::OkStatus();
  std::optional<gid_t> gid = GroupId(options.group);
  if (!gid.has_value()) {
    BPFWARDEN_LOG(WARNING) << "group \"" << options.group
                           << "\" does not exist: " << path
                           << " keeps the daemon's group, so only root can "
                              "use the API (create the group with "
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

absl::StatusOr<std::unique_ptr<UnixListener>> UnixListener::Create(
    const UnixListenerOptions& options) {
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
  UniqueFd stop(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop) {
    unlink(options.path.c_str());
    return ErrnoStatus(errno, "eventfd");
  }
  return std::unique_ptr<UnixListener>(new UnixListener(
      options.path, std::move(fd), std::move(stop), /*owns_file=*/true));
}

absl::StatusOr<std::unique_ptr<UnixListener>> UnixListener::Adopt(
    UniqueFd listen_fd) {
  sockaddr_un addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(listen_fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) !=
      0) {
    return ErrnoStatus(errno, "getsockname(inherited API socket)");
  }
  std::string path = len > offsetof(sockaddr_un, sun_path) && addr.sun_path[0]
                         ? std::string(addr.sun_path)
                         : std::string("(unnamed socket)");
  UniqueFd stop(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop) return ErrnoStatus(errno, "eventfd");
  return std::unique_ptr<UnixListener>(
      new UnixListener(std::move(path), std::move(listen_fd), std::move(stop),
                       /*owns_file=*/false));
}

UnixListener::~UnixListener() { Stop(); }

absl::Status UnixListener::Start(grpc::Server* server, PeerRegistry* peers,
                                 ConnectionCaps caps) {
  if (thread_.joinable()) {
    return absl::FailedPreconditionError("listener already started");
  }
  thread_ = std::thread(
      [this, server, peers, caps] { AcceptLoop(server, peers, caps); });
  return absl::OkStatus();
}

void UnixListener::Stop() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    if (write(stop_fd_.get(), &one, sizeof(one)) < 0) {
      BPFWARDEN_LOG(ERROR) << "api: cannot signal the accept loop: "
                           << std::strerror(errno);
    }
    thread_.join();
  }
  if (listen_fd_) {
    listen_fd_.Reset();
    if (owns_file_) unlink(path_.c_str());
  }
}

bool UnixListener::WithinCaps(const policy::Identity& who, PeerRegistry* peers,
                              const ConnectionCaps& caps) {
  if (who.IsRoot()) return true;
  const PeerRegistry::Live live = peers->CountLive(who.uid);
  if (live.of_uid < caps.per_uid && live.total < caps.total) return true;
  // The 1st, 2nd, 4th, 8th... refusal is logged: a flood cannot flood the
  // log.
  ++refused_;
  if ((refused_ & (refused_ - 1)) == 0) {
    BPFWARDEN_LOG(WARNING) << "api: refusing a connection from "
                           << who.Describe() << ": " << live.of_uid
                           << " open of at most " << caps.per_uid
                           << " per uid, " << live.total << " of at most "
                           << caps.total << " in all (" << refused_
                           << " refused so far)";
  }
  return false;
}

void UnixListener::AcceptLoop(grpc::Server* server, PeerRegistry* peers,
                              ConnectionCaps caps) {
  pollfd fds[2] = {{listen_fd_.get(), POLLIN, 0}, {stop_fd_.get(), POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      BPFWARDEN_LOG(ERROR) << "api: poll: " << std::strerror(errno);
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    UniqueFd conn(accept4(listen_fd_.get(), nullptr, nullptr,
                          SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!conn) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
        BPFWARDEN_LOG(WARNING)
            << "api: accept on " << path_ << ": " << std::strerror(errno);
        // EMFILE and friends: back off instead of spinning.
        if (errno == EMFILE || errno == ENFILE) usleep(100 * 1000);
      }
      continue;
    }
    absl::StatusOr<policy::Identity> who = policy::PeerIdentity(conn.get());
    if (!who.ok()) {
      BPFWARDEN_LOG(WARNING) << "api: dropping a connection: " << who.status();
      continue;
    }
    if (!WithinCaps(*who, peers, caps)) continue;  // closes conn
    if (!peers->Register(conn.get(), *who)) {
      BPFWARDEN_LOG(WARNING) << "api: dropping a connection from "
                             << who->Describe() << ": cannot register it";
      continue;
    }
    // gRPC owns the fd from here and closes it with the connection.
    grpc::AddInsecureChannelFromFd(server, conn.Release());
  }
}

}  // namespace bpfwarden::api
