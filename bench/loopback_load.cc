#include "bench/loopback_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kChunk = 128 << 10;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// User and system CPU time of the whole process so far, in seconds.
double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// Measures `units` of work done between `start` / `cpu_start` and now.
LoadFigures Figures(double units, Clock::time_point start, double cpu_start) {
  return {.per_second = units / Seconds(start),
          .cpu_us_per_unit = (CpuSeconds() - cpu_start) * 1e6 / units};
}

struct Listener {
  UniqueFd fd;
  sockaddr_in addr{};
};

absl::StatusOr<Listener> Listen() {
  Listener l;
  l.fd.Reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!l.fd) return ErrnoStatus(errno, "socket");
  l.addr.sin_family = AF_INET;
  l.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(l.addr);
  if (::bind(l.fd.get(), reinterpret_cast<sockaddr*>(&l.addr), len) != 0) {
    return ErrnoStatus(errno, "bind 127.0.0.1");
  }
  if (::listen(l.fd.get(), 128) != 0) return ErrnoStatus(errno, "listen");
  if (::getsockname(l.fd.get(), reinterpret_cast<sockaddr*>(&l.addr), &len) !=
      0) {
    return ErrnoStatus(errno, "getsockname");
  }
  return l;
}

// A connected client and the server's accepted end.
absl::Status Connect(const Listener& l, UniqueFd* client, UniqueFd* server) {
  client->Reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!*client) return ErrnoStatus(errno, "socket");
  if (::connect(client->get(), reinterpret_cast<const sockaddr*>(&l.addr),
                sizeof(l.addr)) != 0) {
    return ErrnoStatus(errno, "connect");
  }
  server->Reset(::accept4(l.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!*server) return ErrnoStatus(errno, "accept");
  return absl::OkStatus();
}

absl::Status OneByte(int from, int to) {
  char byte = 'x';
  if (::send(from, &byte, 1, 0) != 1) return ErrnoStatus(errno, "send");
  if (::recv(to, &byte, 1, 0) != 1) return ErrnoStatus(errno, "recv");
  return absl::OkStatus();
}

absl::Status Reset(int fd) {
  const linger abort{.l_onoff = 1, .l_linger = 0};
  if (::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort)) != 0) {
    return ErrnoStatus(errno, "setsockopt SO_LINGER");
  }
  return absl::OkStatus();
}

absl::Status Drain(int fd, size_t bytes) {
  std::vector<char> buf(kChunk);
  while (bytes > 0) {
    ssize_t n = ::recv(fd, buf.data(), std::min(bytes, buf.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "recv");
    if (n == 0) return absl::DataLossError("peer closed early");
    bytes -= n;
  }
  return absl::OkStatus();
}

absl::Status Fill(int fd, size_t bytes) {
  std::vector<char> buf(kChunk, 'b');
  while (bytes > 0) {
    ssize_t n = ::send(fd, buf.data(), std::min(bytes, buf.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "send");
    bytes -= n;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LoadFigures> ConnectionRate(int connections) {
  absl::StatusOr<Listener> listener = Listen();
  if (!listener.ok()) return listener.status();
  const double cpu_start = CpuSeconds();
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < connections; ++i) {
    UniqueFd client, server;
    absl::Status s = Connect(*listener, &client, &server);
    if (s.ok()) s = OneByte(client.get(), server.get());
    if (s.ok()) s = OneByte(server.get(), client.get());
    if (s.ok()) s = Reset(client.get());
    if (!s.ok()) return s;
    client.Reset();  // RST; the server's end closes with it
  }
  return Figures(connections, start, cpu_start);
}

absl::StatusOr<LoadFigures> BulkThroughput(size_t bytes) {
  absl::StatusOr<Listener> listener = Listen();
  if (!listener.ok()) return listener.status();
  UniqueFd client, server;
  if (absl::Status s = Connect(*listener, &client, &server); !s.ok()) return s;
  const double cpu_start = CpuSeconds();
  const Clock::time_point start = Clock::now();
  absl::Status received;
  std::thread reader([&] { received = Drain(server.get(), bytes); });
  absl::Status sent = Fill(client.get(), bytes);
  if (!sent.ok()) ::shutdown(server.get(), SHUT_RDWR);
  reader.join();
  const LoadFigures figures = Figures(bytes / 1e6, start, cpu_start);
  if (!sent.ok()) return sent;
  if (!received.ok()) return received;
  return figures;
}

}  // namespace bpfwarden::bench
