#include "tests/bpf/tcp_probe.h"

#include <arpa/inet.h>
#include <linux/bpf.h>  // BPF_TCP_*: the kernel TCP state numbers
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "tests/testing/socket_io.h"

namespace bpfwarden::testing {
namespace {

sockaddr_storage Loopback(int family, socklen_t* len) {
  sockaddr_storage addr{};
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *len = sizeof(*in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    *len = sizeof(*in6);
  }
  return addr;
}

uint16_t PortOf(const sockaddr_storage& addr) {
  return ntohs(addr.ss_family == AF_INET
                   ? reinterpret_cast<const sockaddr_in&>(addr).sin_port
                   : reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
}

absl::StatusOr<uint16_t> LocalPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return ErrnoStatus(errno, "getsockname");
  }
  return PortOf(addr);
}

absl::StatusOr<UniqueFd> Listen(int family, int backlog, sockaddr_storage* addr,
                                socklen_t* len) {
  *addr = Loopback(family, len);
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus(errno, "socket");
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(addr), *len) != 0) {
    return ErrnoStatus(errno, "bind loopback");
  }
  if (::listen(fd.get(), backlog) != 0) return ErrnoStatus(errno, "listen");
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(addr), len) != 0) {
    return ErrnoStatus(errno, "getsockname");
  }
  return fd;
}

absl::Status Congestion(int fd, char (&name)[16]) {
  socklen_t len = sizeof(name);
  if (::getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &len) != 0) {
    return ErrnoStatus(errno, "getsockopt TCP_CONGESTION");
  }
  name[sizeof(name) - 1] = '\0';
  return absl::OkStatus();
}

absl::Status Info(int fd, tcp_info* info) {
  socklen_t len = sizeof(*info);
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &len) != 0) {
    return ErrnoStatus(errno, "getsockopt TCP_INFO");
  }
  return absl::OkStatus();
}

// Waits until the socket's TCP state is `state` (the final ACK of a close
// may still be in flight on another CPU).
absl::Status AwaitState(int fd, uint8_t state) {
  for (int i = 0; i < 1000; ++i) {
    tcp_info info{};
    absl::Status s = Info(fd, &info);
    if (!s.ok()) return s;
    if (info.tcpi_state == state) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("socket never reached TCP state ", state));
}

}  // namespace

absl::StatusOr<ProbeResult> ProbeConnection(const ProbeSpec& spec) {
  ProbeResult result;
  sockaddr_storage addr;
  socklen_t len;
  absl::StatusOr<UniqueFd> listener = Listen(spec.family, 8, &addr, &len);
  if (!listener.ok()) return listener.status();
  result.server_port = PortOf(addr);

  UniqueFd client(::socket(spec.family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!client) return ErrnoStatus(errno, "socket");
  if (spec.client_mss != 0 &&
      ::setsockopt(client.get(), IPPROTO_TCP, TCP_MAXSEG, &spec.client_mss,
                   sizeof(spec.client_mss)) != 0) {
    return ErrnoStatus(errno, "setsockopt TCP_MAXSEG");
  }
  if (::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    return ErrnoStatus(errno, "connect");
  }
  if (absl::Status s = Info(client.get(), &result.client_info_established);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<uint16_t> client_port = LocalPort(client.get());
  if (!client_port.ok()) return client_port.status();
  result.client_port = *client_port;
  UniqueFd server(::accept4(listener->get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!server) return ErrnoStatus(errno, "accept");
  if (absl::Status s = Congestion(client.get(), result.client_congestion);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Congestion(server.get(), result.server_congestion);
      !s.ok()) {
    return s;
  }

  // Client -> server, with the server reading on its own thread so large
  // payloads cannot stall on full buffers; then server -> client likewise.
  absl::Status received;
  std::thread reader(
      [&] { received = ReceiveAll(server.get(), spec.client_bytes, false); });
  absl::Status sent = SendAll(client.get(), spec.client_bytes);
  if (!sent.ok()) ::shutdown(server.get(), SHUT_RDWR);
  reader.join();
  if (!sent.ok()) return sent;
  if (!received.ok()) return received;
  std::thread back(
      [&] { received = ReceiveAll(client.get(), spec.server_bytes, false); });
  sent = SendAll(server.get(), spec.server_bytes);
  if (!sent.ok()) ::shutdown(client.get(), SHUT_RDWR);
  back.join();
  if (!sent.ok()) return sent;
  if (!received.ok()) return received;

  if (absl::Status s = Info(client.get(), &result.client_info_before_close);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Info(server.get(), &result.server_info_before_close);
      !s.ok()) {
    return s;
  }
  // Client FIN; the server sees EOF and answers with its own FIN; the
  // client sees EOF. The client goes FIN_WAIT2 -> TIME_WAIT (its full socket
  // closes), the server LAST_ACK -> CLOSE once the last ACK arrives.
  ::shutdown(client.get(), SHUT_WR);
  if (absl::Status s = ReceiveAll(server.get(), 0, true); !s.ok()) return s;
  ::shutdown(server.get(), SHUT_WR);
  if (absl::Status s = ReceiveAll(client.get(), 0, true); !s.ok()) return s;
  for (int fd : {client.get(), server.get()}) {
    if (absl::Status s = AwaitState(fd, BPF_TCP_CLOSE); !s.ok()) return s;
  }
  if (absl::Status s = Info(client.get(), &result.client_info_after_close);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Info(server.get(), &result.server_info_after_close);
      !s.ok()) {
    return s;
  }
  return result;
}

absl::StatusOr<tcp_info> ProbeSynSent(int family) {
  sockaddr_storage addr;
  socklen_t len;
  // Backlog 0: the first connection fills the accept queue, which is never
  // drained, so the listener drops every later SYN.
  absl::StatusOr<UniqueFd> listener = Listen(family, 0, &addr, &len);
  if (!listener.ok()) return listener.status();
  UniqueFd first(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!first) return ErrnoStatus(errno, "socket");
  if (::connect(first.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    return ErrnoStatus(errno, "connect (filling the accept queue)");
  }
  UniqueFd probe(
      ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!probe) return ErrnoStatus(errno, "socket");
  if (::connect(probe.get(), reinterpret_cast<sockaddr*>(&addr), len) == 0 ||
      errno != EINPROGRESS) {
    return absl::FailedPreconditionError(
        "second connect did not stay in progress: the SYN was not dropped");
  }
  tcp_info info{};
  if (absl::Status s = Info(probe.get(), &info); !s.ok()) return s;
  if (info.tcpi_state != BPF_TCP_SYN_SENT) {
    return absl::FailedPreconditionError(absl::StrCat(
        "probe socket in state ", info.tcpi_state, ", not SYN_SENT"));
  }
  return info;
}

absl::StatusOr<uint16_t> AcceptOneFrom(const ScopedCgroup& client_cgroup,
                                       int family, size_t bytes) {
  sockaddr_storage addr;
  socklen_t len;
  absl::StatusOr<UniqueFd> listener = Listen(family, 8, &addr, &len);
  if (!listener.ok()) return listener.status();
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    absl::Status s = client_cgroup.Enter(::getpid());
    UniqueFd client(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (s.ok() &&
        ::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
      s = ErrnoStatus(errno, "connect");
    }
    if (s.ok()) s = SendAll(client.get(), bytes);
    ::_exit(s.ok() ? 0 : 1);
  }
  sockaddr_storage peer{};
  socklen_t peer_len = sizeof(peer);
  UniqueFd server(::accept4(listener->get(), reinterpret_cast<sockaddr*>(&peer),
                            &peer_len, SOCK_CLOEXEC));
  absl::Status received = server ? ReceiveAll(server.get(), bytes, true)
                                 : ErrnoStatus(errno, "accept");
  if (received.ok()) {
    // Our FIN, acknowledged by the client's orphaned socket: TCP_CLOSE.
    ::shutdown(server.get(), SHUT_WR);
    received = AwaitState(server.get(), BPF_TCP_CLOSE);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!received.ok()) return received;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError("client child failed");
  }
  return PortOf(peer);
}

}  // namespace bpfwarden::testing
