#include "tests/testing/loopback_tcp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "tests/testing/socket_io.h"

namespace bpfwarden::testing {
namespace {

absl::StatusOr<UniqueFd> Listen(int family, uint16_t* port) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus(errno, "socket");
  sockaddr_storage addr{};
  socklen_t len;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(*in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    len = sizeof(*in6);
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    return ErrnoStatus(errno, "bind loopback");
  }
  if (::listen(fd.get(), 64) != 0) return ErrnoStatus(errno, "listen");
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return ErrnoStatus(errno, "getsockname");
  }
  *port = ntohs(family == AF_INET
                    ? reinterpret_cast<sockaddr_in*>(&addr)->sin_port
                    : reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return fd;
}

absl::StatusOr<UniqueFd> Connect(int listener, int family) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return ErrnoStatus(errno, "getsockname");
  }
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus(errno, "socket");
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    return ErrnoStatus(errno, "connect");
  }
  return fd;
}

// The server side reads on its own thread while the client sends, so a
// payload larger than the socket buffers cannot stall the exchange.
absl::Status OneConnection(int listener, int family, size_t bytes) {
  absl::StatusOr<UniqueFd> client = Connect(listener, family);
  if (!client.ok()) return client.status();
  UniqueFd server(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (!server) return ErrnoStatus(errno, "accept");
  absl::Status received;
  std::thread reader(
      [&] { received = ReceiveAll(server.get(), bytes, /*then_eof=*/true); });
  absl::Status sent = SendAll(client->get(), bytes);
  // Orderly close from the client; the reader then sees EOF. On a failed
  // send, this unblocks the reader too.
  ::shutdown(client->get(), SHUT_WR);
  reader.join();
  if (!sent.ok()) return sent;
  return received;
}

}  // namespace

absl::StatusOr<TcpExchangeResult> RunTcpExchange(const TcpExchange& spec) {
  TcpExchangeResult result;
  absl::StatusOr<UniqueFd> listener = Listen(spec.family, &result.server_port);
  if (!listener.ok()) return listener.status();
  for (int i = 0; i < spec.connections; ++i) {
    absl::Status s =
        OneConnection(listener->get(), spec.family, spec.bytes_per_connection);
    if (!s.ok()) return s;
  }
  return result;
}

absl::Status RunInCgroup(const ScopedCgroup& cgroup,
                         const std::function<absl::Status()>& body) {
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    absl::Status s = cgroup.Enter(::getpid());
    if (s.ok()) s = body();
    if (!s.ok()) std::cerr << "child in " << cgroup.path() << ": " << s << "\n";
    ::_exit(s.ok() ? 0 : 1);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoStatus(errno, "waitpid");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("child in ", cgroup.path(),
                                            " failed (status ", status,
                                            "); see its message above"));
  }
  return absl::OkStatus();
}

absl::StatusOr<TcpExchangeResult> RunTcpExchangeIn(const ScopedCgroup& cgroup,
                                                   const TcpExchange& spec) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe");
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  absl::Status s = RunInCgroup(cgroup, [&]() -> absl::Status {
    absl::StatusOr<TcpExchangeResult> r = RunTcpExchange(spec);
    if (!r.ok()) return r.status();
    if (::write(write_end.get(), &r->server_port, sizeof(r->server_port)) !=
        sizeof(r->server_port)) {
      return ErrnoStatus(errno, "report port");
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  TcpExchangeResult result;
  if (::read(read_end.get(), &result.server_port, sizeof(result.server_port)) !=
      sizeof(result.server_port)) {
    return absl::InternalError("child did not report its server port");
  }
  return result;
}

}  // namespace bpfwarden::testing
