#include "daemon/api/unix_listener.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"
#include "daemon/base/unix_socket.h"
#include "daemon/policy/unix_identity.h"
#include "grpcpp/server_posix.h"

namespace bpfwarden::api {

absl::StatusOr<std::unique_ptr<UnixListener>> UnixListener::Create(
    const UnixListenerOptions& options) {
  absl::StatusOr<UniqueFd> fd =
      BindUnixSocket({options.path, options.mode, options.group});
  if (!fd.ok()) return fd.status();
  UniqueFd stop(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop) {
    unlink(options.path.c_str());
    return ErrnoStatus(errno, "eventfd");
  }
  return std::unique_ptr<UnixListener>(new UnixListener(
      options.path, *std::move(fd), std::move(stop), /*owns_file=*/true));
}

absl::StatusOr<std::unique_ptr<UnixListener>> UnixListener::Adopt(
    UniqueFd listen_fd) {
  absl::StatusOr<std::string> path = UnixSocketPath(listen_fd.get());
  if (!path.ok()) return path.status();
  UniqueFd stop(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop) return ErrnoStatus(errno, "eventfd");
  return std::unique_ptr<UnixListener>(
      new UnixListener(*std::move(path), std::move(listen_fd), std::move(stop),
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
