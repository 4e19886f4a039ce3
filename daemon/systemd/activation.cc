#include "daemon/systemd/activation.h"

#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unix_socket.h"

namespace bpfwarden::systemd {
namespace {

absl::Status CheckListening(int fd, int n) {
  const int r = sd_is_socket_unix(fd, SOCK_STREAM, /*listening=*/1,
                                  /*path=*/nullptr, 0);
  if (r < 0) {
    return ErrnoStatus(-r, absl::StrCat("socket activation: inspect fd ", fd));
  }
  if (r == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "socket activation: fd ", fd, " (LISTEN_FDS=", n,
        ") is not a listening AF_UNIX stream socket; bpfwardend.socket must "
        "use ListenStream= with a socket path"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ActivatedSockets> TakeListenSockets(
    const std::string& handle_path) {
  const int n = sd_listen_fds(/*unset_environment=*/1);
  if (n < 0) return ErrnoStatus(-n, "socket activation: sd_listen_fds");
  // Owned from here: closed on every error below.
  std::vector<UniqueFd> fds;
  for (int i = 0; i < n; ++i) fds.emplace_back(SD_LISTEN_FDS_START + i);
  ActivatedSockets out;
  if (n == 0) return out;
  if (n > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "socket activation: ", n,
        " file descriptors passed (LISTEN_FDS); bpfwardend takes one or two "
        "listening Unix stream sockets (the API's, and the handle socket "
        "at --handle_socket): ListenStream= lines in bpfwardend.socket"));
  }
  std::vector<std::string> paths;
  for (const UniqueFd& fd : fds) {
    if (absl::Status s = CheckListening(fd.get(), n); !s.ok()) return s;
    absl::StatusOr<std::string> path = UnixSocketPath(fd.get());
    if (!path.ok()) return path.status();
    paths.push_back(*std::move(path));
  }
  const bool first = !handle_path.empty() && paths[0] == handle_path;
  if (n == 1) {
    (first ? out.handles : out.api) = std::move(fds[0]);
    return out;
  }
  const bool second = !handle_path.empty() && paths[1] == handle_path;
  if (first == second) {
    return absl::InvalidArgumentError(absl::StrCat(
        "socket activation: two sockets passed (", paths[0], ", ", paths[1],
        "), and ", first ? "both are" : "neither is",
        " the handle socket --handle_socket names (", handle_path,
        "); keep bpfwardend.socket's ListenStream= lines in step with "
        "--api_socket and --handle_socket"));
  }
  out.handles = std::move(fds[first ? 0 : 1]);
  out.api = std::move(fds[first ? 1 : 0]);
  return out;
}

}  // namespace bpfwarden::systemd
