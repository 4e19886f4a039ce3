// Socket activation (sd_listen_fds(3)): the listening Unix sockets passed
// by bpfwardend.socket (the API's and the read-handle socket) instead of
// ones the daemon binds itself.
#ifndef BPFWARDEN_DAEMON_SYSTEMD_ACTIVATION_H_
#define BPFWARDEN_DAEMON_SYSTEMD_ACTIVATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::systemd {

// The passed sockets by role; an invalid UniqueFd where none was passed.
struct ActivatedSockets {
  UniqueFd api;
  UniqueFd handles;
};

// Takes the sockets passed through LISTEN_FDS/LISTEN_PID (and unsets
// them). Each must be a listening AF_UNIX stream socket. The one bound to
// `handle_path` (bpfwardend.socket's second ListenStream=, in step with
// --handle_socket) serves read handles; the other, or a lone one bound
// elsewhere, serves the API. More than two, or two of which none or both
// are at `handle_path`, are refused. Call it before starting threads (it
// changes the environment).
absl::StatusOr<ActivatedSockets> TakeListenSockets(
    const std::string& handle_path);

}  // namespace bpfwarden::systemd

#endif  // BPFWARDEN_DAEMON_SYSTEMD_ACTIVATION_H_
