// Single loopback TCP connections whose kernel-side state a test inspects:
// congestion control on both ends, TCP_INFO, exact byte counts. Meant to run
// inside a cgroup (see tests/testing/cgroup_call.h); results are plain data.
#ifndef BPFWARDEN_TESTS_BPF_TCP_PROBE_H_
#define BPFWARDEN_TESTS_BPF_TCP_PROBE_H_

#include <linux/tcp.h>  // struct tcp_info with the RFC 4898 byte counters
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "tests/testing/scoped_cgroup.h"

namespace bpfwarden::testing {

struct ProbeSpec {
  int family = AF_INET;     // 127.0.0.1 or ::1
  size_t client_bytes = 0;  // sent client -> server
  size_t server_bytes = 0;  // then server -> client
  int client_mss = 0;       // TCP_MAXSEG on the client before connect; 0: none
};

struct ProbeResult {
  uint16_t server_port = 0;  // host byte order
  uint16_t client_port = 0;
  char client_congestion[16] = {};  // getsockopt(TCP_CONGESTION), connected
  char server_congestion[16] = {};  // ... on the accepted socket
  tcp_info client_info_established = {};  // right after connect() returned
  tcp_info client_info_before_close = {};
  tcp_info server_info_before_close = {};
  tcp_info client_info_after_close = {};  // both in TCP_CLOSE
  tcp_info server_info_after_close = {};
};

// One connection: listen, connect, accept, exchange the bytes, read the
// options, then close in order (client FIN first, server FIN second, both
// FINs acknowledged) so that both sockets reach TCP_CLOSE before returning.
absl::StatusOr<ProbeResult> ProbeConnection(const ProbeSpec& spec);

// An active open whose SYN the listener drops (its accept queue is full),
// observed in SYN_SENT: the connecting socket's TCP_INFO.
absl::StatusOr<tcp_info> ProbeSynSent(int family);

struct DelayedConnectResult {
  char client_congestion[16] = {};  // of the delayed connecting socket
  char server_congestion[16] = {};  // of its accepted end
};

// An active open whose first SYN the listener drops, as ProbeSynSent;
// `while_syn_sent` runs while the socket waits in SYN_SENT. Then the
// listener's queue is drained, the retransmitted SYN is answered, and the
// congestion control of both ends is read once connected.
absl::StatusOr<DelayedConnectResult> ProbeDelayedConnect(
    int family, const std::function<absl::Status()>& while_syn_sent);

struct AcceptedPorts {
  uint16_t server_port = 0;  // the listener's; host byte order
  uint16_t client_port = 0;
};

// Listens in the calling process and accepts one connection made by a
// forked child moved into `client_cgroup`, which sends `bytes` and closes.
// Returns once the server side read EOF and closed too.
absl::StatusOr<AcceptedPorts> AcceptOneFrom(const ScopedCgroup& client_cgroup,
                                            int family, size_t bytes);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_BPF_TCP_PROBE_H_
