#include "tests/bpf/tcp_probe.h"

#include <arpa/inet.h>
#include <linux/bpf.h>  // BPF_TCP_*: the kernel TCP state numbers
#include <poll.h>
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
#include "tests/bpf/tcp_socket.h"
#include "tests/testing/socket_io.h"

namespace bpfwarden::testing {

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

  // Client -> server, then server -> client.
  if (absl::Status s = Transfer(client.get(), server.get(), spec.client_bytes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Transfer(server.get(), client.get(), spec.server_bytes);
      !s.ok()) {
    return s;
  }

  if (absl::Status s = Info(client.get(), &result.client_info_before_close);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Info(server.get(), &result.server_info_before_close);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CloseInOrder(client.get(), server.get()); !s.ok()) {
    return s;
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

namespace {

// A connecting socket whose SYN the listener dropped, in SYN_SENT.
struct SynSent {
  sockaddr_storage addr;
  socklen_t len;
  UniqueFd listener;
  UniqueFd first;  // fills the accept queue
  UniqueFd probe;  // non-blocking
};

absl::Status StartSynSent(int family, SynSent* out) {
  // Backlog 0: the first connection fills the accept queue, so the listener
  // drops every later SYN until it is accepted.
  absl::StatusOr<UniqueFd> listener = Listen(family, 0, &out->addr, &out->len);
  if (!listener.ok()) return listener.status();
  out->listener = *std::move(listener);
  const auto* addr = reinterpret_cast<const sockaddr*>(&out->addr);
  out->first.Reset(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!out->first) return ErrnoStatus(errno, "socket");
  if (::connect(out->first.get(), addr, out->len) != 0) {
    return ErrnoStatus(errno, "connect (filling the accept queue)");
  }
  out->probe.Reset(
      ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!out->probe) return ErrnoStatus(errno, "socket");
  if (::connect(out->probe.get(), addr, out->len) == 0 ||
      errno != EINPROGRESS) {
    return absl::FailedPreconditionError(
        "second connect did not stay in progress: the SYN was not dropped");
  }
  tcp_info info{};
  if (absl::Status s = Info(out->probe.get(), &info); !s.ok()) return s;
  if (info.tcpi_state != BPF_TCP_SYN_SENT) {
    return absl::FailedPreconditionError(absl::StrCat(
        "probe socket in state ", info.tcpi_state, ", not SYN_SENT"));
  }
  return absl::OkStatus();
}

// Waits up to 10 s for a non-blocking connect to complete.
absl::Status AwaitConnected(int fd) {
  pollfd p{.fd = fd, .events = POLLOUT};
  int n;
  while ((n = ::poll(&p, 1, 10000)) < 0 && errno == EINTR) {
  }
  if (n < 0) return ErrnoStatus(errno, "poll");
  if (n == 0) return absl::DeadlineExceededError("connect did not complete");
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
    return ErrnoStatus(errno, "getsockopt SO_ERROR");
  }
  return err == 0 ? absl::OkStatus() : ErrnoStatus(err, "connect");
}

}  // namespace

absl::StatusOr<tcp_info> ProbeSynSent(int family) {
  SynSent syn;
  if (absl::Status s = StartSynSent(family, &syn); !s.ok()) return s;
  tcp_info info{};
  if (absl::Status s = Info(syn.probe.get(), &info); !s.ok()) return s;
  return info;
}

absl::StatusOr<DelayedConnectResult> ProbeDelayedConnect(
    int family, const std::function<absl::Status()>& while_syn_sent) {
  SynSent syn;
  if (absl::Status s = StartSynSent(family, &syn); !s.ok()) return s;
  if (absl::Status s = while_syn_sent(); !s.ok()) return s;
  // Room in the accept queue: the retransmitted SYN gets its SYN-ACK.
  UniqueFd first(::accept4(syn.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!first) return ErrnoStatus(errno, "accept (draining the queue)");
  if (absl::Status s = AwaitConnected(syn.probe.get()); !s.ok()) return s;
  UniqueFd server(
      ::accept4(syn.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!server) return ErrnoStatus(errno, "accept");
  DelayedConnectResult result;
  if (absl::Status s = Congestion(syn.probe.get(), result.client_congestion);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Congestion(server.get(), result.server_congestion);
      !s.ok()) {
    return s;
  }
  return result;
}

absl::StatusOr<AcceptedPorts> AcceptOneFrom(const ScopedCgroup& client_cgroup,
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
  return AcceptedPorts{.server_port = PortOf(addr),
                       .client_port = PortOf(peer)};
}

}  // namespace bpfwarden::testing
