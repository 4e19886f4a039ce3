// Small TCP socket helpers shared by the probes: loopback listeners, ports,
// socket options and waiting for a TCP state.
#ifndef BPFWARDEN_TESTS_BPF_TCP_SOCKET_H_
#define BPFWARDEN_TESTS_BPF_TCP_SOCKET_H_

#include <linux/tcp.h>  // struct tcp_info with the RFC 4898 byte counters
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::testing {

// 127.0.0.1 or ::1, port 0, in *len bytes.
sockaddr_storage Loopback(int family, socklen_t* len);

uint16_t PortOf(const sockaddr_storage& addr);  // host byte order

// The socket's own port (getsockname).
absl::StatusOr<uint16_t> LocalPort(int fd);

// A listener on loopback with `backlog`; its address in *addr / *len.
absl::StatusOr<UniqueFd> Listen(int family, int backlog, sockaddr_storage* addr,
                                socklen_t* len);

// getsockopt(TCP_CONGESTION), NUL-terminated.
absl::Status Congestion(int fd, char (&name)[16]);

// getsockopt(TCP_INFO).
absl::Status Info(int fd, tcp_info* info);

// Waits until the socket's TCP state is `state` (the final ACK of a close
// may still be in flight on another CPU).
absl::Status AwaitState(int fd, uint8_t state);

// Sends `bytes` on `from` and reads them on `to`, the reader on its own
// thread so that large payloads cannot stall on full buffers.
absl::Status Transfer(int from, int to, size_t bytes);

// Orderly close of a connected pair: the client's FIN; the server sees EOF
// and answers with its own FIN; the client sees EOF. Returns once both are
// in TCP_CLOSE: the client's full socket closes as it enters TIME_WAIT, the
// server's (LAST_ACK) once the last ACK arrives. The fds stay open.
absl::Status CloseInOrder(int client, int server);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_BPF_TCP_SOCKET_H_
