// Socket activation (sd_listen_fds(3)): the API's listening Unix socket
// passed by bpfwardend.socket instead of one the daemon binds itself.
#ifndef BPFWARDEN_DAEMON_SYSTEMD_ACTIVATION_H_
#define BPFWARDEN_DAEMON_SYSTEMD_ACTIVATION_H_

#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::systemd {

// Takes the socket passed through LISTEN_FDS/LISTEN_PID (and unsets them):
// an invalid UniqueFd when none was passed to this process. Fails when more
// than one fd was passed, or the fd is not a listening AF_UNIX stream socket.
// Call it before starting threads (it changes the environment).
absl::StatusOr<UniqueFd> TakeListenSocket();

}  // namespace bpfwarden::systemd

#endif  // BPFWARDEN_DAEMON_SYSTEMD_ACTIVATION_H_
