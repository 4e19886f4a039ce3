#include "tests/bpf/held_connection.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "tests/bpf/tcp_socket.h"

namespace bpfwarden::testing {
namespace {

constexpr char kRoundTrip = 'r';
constexpr char kClose = 'c';

struct Request {
  char op;
  uint64_t bytes;
};

struct Ports {
  uint16_t server;
  uint16_t client;
};

absl::Status WriteAll(int fd, const void* data, size_t size) {
  if (::write(fd, data, size) != static_cast<ssize_t>(size)) {
    return ErrnoStatus(errno, "write to pipe");
  }
  return absl::OkStatus();
}

absl::Status ReadAll(int fd, void* data, size_t size) {
  ssize_t n;
  while ((n = ::read(fd, data, size)) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(size)) {
    return absl::InternalError("the connection's child went away");
  }
  return absl::OkStatus();
}

absl::Status Connect(int family, UniqueFd* client, UniqueFd* server,
                     Ports* ports) {
  sockaddr_storage addr;
  socklen_t len;
  absl::StatusOr<UniqueFd> listener = Listen(family, 1, &addr, &len);
  if (!listener.ok()) return listener.status();
  ports->server = PortOf(addr);
  client->Reset(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!*client) return ErrnoStatus(errno, "socket");
  if (::connect(client->get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    return ErrnoStatus(errno, "connect");
  }
  server->Reset(::accept4(listener->get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!*server) return ErrnoStatus(errno, "accept");
  absl::StatusOr<uint16_t> client_port = LocalPort(client->get());
  if (!client_port.ok()) return client_port.status();
  ports->client = *client_port;
  return absl::OkStatus();
}

// The child: connects, reports the ports, then serves requests until
// Close or until the parent goes away.
absl::Status Serve(int family, int commands, int replies) {
  UniqueFd client, server;
  Ports ports{};
  if (absl::Status s = Connect(family, &client, &server, &ports); !s.ok()) {
    return s;
  }
  if (absl::Status s = WriteAll(replies, &ports, sizeof(ports)); !s.ok()) {
    return s;
  }
  for (;;) {
    Request request{};
    if (absl::Status s = ReadAll(commands, &request, sizeof(request));
        !s.ok()) {
      return s;
    }
    absl::Status done;
    if (request.op == kRoundTrip) {
      done = Transfer(client.get(), server.get(), request.bytes);
      if (done.ok()) done = Transfer(server.get(), client.get(), request.bytes);
    } else {
      done = CloseInOrder(client.get(), server.get());
    }
    if (!done.ok()) std::cerr << "held connection: " << done << "\n";
    const char ok = done.ok();
    if (absl::Status s = WriteAll(replies, &ok, 1); !s.ok()) return s;
    if (request.op == kClose || !done.ok()) return done;
  }
}

}  // namespace

absl::StatusOr<HeldConnection> HeldConnection::Open(const ScopedCgroup& cgroup,
                                                    int family) {
  // A child that died makes our next command a write to a closed pipe: an
  // error to report, not a SIGPIPE that ends the test binary.
  ::signal(SIGPIPE, SIG_IGN);
  int to_child[2], from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe");
  UniqueFd child_commands(to_child[0]), commands(to_child[1]);
  if (::pipe2(from_child, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe");
  UniqueFd replies(from_child[0]), child_replies(from_child[1]);
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    commands.Reset();
    replies.Reset();
    absl::Status s = cgroup.Enter(::getpid());
    if (s.ok()) s = Serve(family, child_commands.get(), child_replies.get());
    ::_exit(s.ok() ? 0 : 1);
  }
  HeldConnection held(pid, std::move(commands), std::move(replies));
  child_commands.Reset();
  child_replies.Reset();  // so that a dead child reads as EOF
  Ports ports{};
  if (absl::Status s = ReadAll(held.replies_.get(), &ports, sizeof(ports));
      !s.ok()) {
    return s;
  }
  held.server_port_ = ports.server;
  held.client_port_ = ports.client;
  return held;
}

HeldConnection::HeldConnection(HeldConnection&& other) noexcept
    : pid_(other.pid_),
      commands_(std::move(other.commands_)),
      replies_(std::move(other.replies_)),
      server_port_(other.server_port_),
      client_port_(other.client_port_) {
  other.pid_ = -1;
}

HeldConnection::~HeldConnection() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

absl::Status HeldConnection::Command(char op, uint64_t bytes) {
  const Request request{.op = op, .bytes = bytes};
  if (absl::Status s = WriteAll(commands_.get(), &request, sizeof(request));
      !s.ok()) {
    return s;
  }
  char ok = 0;
  if (absl::Status s = ReadAll(replies_.get(), &ok, 1); !s.ok()) return s;
  return ok ? absl::OkStatus()
            : absl::InternalError("the held connection failed; see stderr");
}

absl::Status HeldConnection::RoundTrip(size_t bytes) {
  return Command(kRoundTrip, bytes);
}

absl::Status HeldConnection::Close() {
  absl::Status s = Command(kClose, 0);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (!s.ok()) return s;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError("the held connection's child failed");
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden::testing
