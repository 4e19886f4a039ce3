#include "tests/bpf/tcp_socket.h"

#include <arpa/inet.h>
#include <linux/bpf.h>  // BPF_TCP_*: the kernel TCP state numbers

#include <cerrno>
#include <thread>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "tests/testing/socket_io.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {

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

absl::Status AwaitState(int fd, uint8_t state) {
  tcp_info info{};
  absl::Status s;
  const bool reached = WaitFor(
      [&] {
        s = Info(fd, &info);
        return !s.ok() || info.tcpi_state == state;
      },
      10, 1);
  if (!s.ok()) return s;
  if (reached) return absl::OkStatus();
  return absl::DeadlineExceededError(
      absl::StrCat("socket never reached TCP state ", state,
                   " in 10 s (it is in ", info.tcpi_state, ")"));
}

absl::Status Transfer(int from, int to, size_t bytes) {
  absl::Status received;
  std::thread reader([&] { received = ReceiveAll(to, bytes, false); });
  absl::Status sent = SendAll(from, bytes);
  if (!sent.ok()) ::shutdown(to, SHUT_RDWR);
  reader.join();
  return sent.ok() ? received : sent;
}

absl::Status CloseInOrder(int client, int server) {
  ::shutdown(client, SHUT_WR);
  if (absl::Status s = ReceiveAll(server, 0, true); !s.ok()) return s;
  ::shutdown(server, SHUT_WR);
  if (absl::Status s = ReceiveAll(client, 0, true); !s.ok()) return s;
  for (int fd : {client, server}) {
    if (absl::Status s = AwaitState(fd, BPF_TCP_CLOSE); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden::testing
