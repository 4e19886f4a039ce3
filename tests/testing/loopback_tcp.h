// Loopback TCP traffic driven from a process placed in a cgroup.
#ifndef BPFWARDEN_TESTS_TESTING_LOOPBACK_TCP_H_
#define BPFWARDEN_TESTS_TESTING_LOOPBACK_TCP_H_

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "tests/testing/scoped_cgroup.h"

namespace bpfwarden::testing {

struct TcpExchange {
  int family = AF_INET;             // AF_INET (127.0.0.1) or AF_INET6 (::1)
  int connections = 1;              // connections opened one after another
  size_t bytes_per_connection = 0;  // sent client -> server on each
};

struct TcpExchangeResult {
  uint16_t server_port = 0;  // host byte order
};

// Forks a child, moves it into `cgroup`, and runs the exchange there: the
// child listens on loopback, connects to itself `connections` times, sends
// the bytes, reads them on the server side and closes both ends. Fails if the
// child does not complete the exchange.
absl::StatusOr<TcpExchangeResult> RunTcpExchangeIn(const ScopedCgroup& cgroup,
                                                   const TcpExchange& spec);

// The same exchange in the calling process, in whatever cgroup it is in.
absl::StatusOr<TcpExchangeResult> RunTcpExchange(const TcpExchange& spec);

// Forks a child, moves it into `cgroup`, runs `body` there and returns its
// result as the child's exit status (0 is success); `body` must not return
// before its work is done. Anything the child prints goes to stderr.
absl::Status RunInCgroup(const ScopedCgroup& cgroup,
                         const std::function<absl::Status()>& body);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_LOOPBACK_TCP_H_
