#include "daemon/systemd/activation.h"

#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::systemd {

absl::StatusOr<UniqueFd> TakeListenSocket() {
  const int n = sd_listen_fds(/*unset_environment=*/1);
  if (n < 0) return ErrnoStatus(-n, "socket activation: sd_listen_fds");
  // Owned from here: closed on every error below.
  std::vector<UniqueFd> fds;
  for (int i = 0; i < n; ++i) fds.emplace_back(SD_LISTEN_FDS_START + i);
  if (n == 0) return UniqueFd();
  if (n > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "socket activation: ", n,
        " file descriptors passed (LISTEN_FDS); bpfwardend takes exactly one "
        "listening Unix stream socket (one ListenStream= in "
        "bpfwardend.socket)"));
  }
  const int r = sd_is_socket_unix(fds[0].get(), SOCK_STREAM, /*listening=*/1,
                                  /*path=*/nullptr, 0);
  if (r < 0) {
    return ErrnoStatus(-r, absl::StrCat("socket activation: inspect fd ",
                                        SD_LISTEN_FDS_START));
  }
  if (r == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "socket activation: fd ", SD_LISTEN_FDS_START,
        " (LISTEN_FDS=1) is not a listening AF_UNIX stream socket; "
        "bpfwardend.socket must use ListenStream= with a socket path"));
  }
  return std::move(fds[0]);
}

}  // namespace bpfwarden::systemd
