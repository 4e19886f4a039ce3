// Listening Unix stream sockets bound by the daemon: the API's and the
// read-handle socket share one way of binding them (mode from the start,
// group, stale files) and of naming an inherited one.
#ifndef BPFWARDEN_DAEMON_BASE_UNIX_SOCKET_H_
#define BPFWARDEN_DAEMON_BASE_UNIX_SOCKET_H_

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden {

struct UnixSocketOptions {
  std::string path;
  mode_t mode = 0660;
  // Group owning the socket. When it does not exist the socket keeps the
  // daemon's group (so only root can connect) and a warning is logged.
  std::string group = "bpfwarden";
};

// Creates the parent directory (0755) if missing, removes a stale socket
// (refusing when a live server answers on it, or the path is not a
// socket), binds with `mode` from the start (no window with a wider mode),
// sets the group, and listens. The file is removed again on failure.
absl::StatusOr<UniqueFd> BindUnixSocket(const UnixSocketOptions& options);

// The path a listening Unix socket (e.g. one passed by systemd) is bound
// to; "(unnamed socket)" for an abstract or unnamed one.
absl::StatusOr<std::string> UnixSocketPath(int fd);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_UNIX_SOCKET_H_
