// One loopback TCP connection that stays open while the test looks at the
// maps: held by a child process moved into a cgroup, both ends in it, and
// driven step by step from the test.
#ifndef BPFWARDEN_TESTS_BPF_HELD_CONNECTION_H_
#define BPFWARDEN_TESTS_BPF_HELD_CONNECTION_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"
#include "tests/testing/scoped_cgroup.h"

namespace bpfwarden::testing {

class HeldConnection {
 public:
  // Forks the child into `cgroup`; returns once it is connected.
  static absl::StatusOr<HeldConnection> Open(const ScopedCgroup& cgroup,
                                             int family);

  HeldConnection(HeldConnection&& other) noexcept;
  HeldConnection& operator=(HeldConnection&&) = delete;
  // Kills the child if Close() did not end it.
  ~HeldConnection();

  uint16_t server_port() const { return server_port_; }  // host byte order
  uint16_t client_port() const { return client_port_; }

  // `bytes` from the client to the server, then `bytes` back; returns once
  // both arrived.
  absl::Status RoundTrip(size_t bytes);

  // Orderly close (see CloseInOrder in tcp_socket.h); returns once both
  // ends are in TCP_CLOSE and the child has exited.
  absl::Status Close();

 private:
  HeldConnection(pid_t pid, UniqueFd commands, UniqueFd replies)
      : pid_(pid),
        commands_(std::move(commands)),
        replies_(std::move(replies)) {}
  absl::Status Command(char op, uint64_t bytes);

  pid_t pid_ = -1;
  UniqueFd commands_;  // to the child
  UniqueFd replies_;   // from the child
  uint16_t server_port_ = 0;
  uint16_t client_port_ = 0;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_BPF_HELD_CONNECTION_H_
