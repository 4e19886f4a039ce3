// The API's Unix socket: bound and accepted by the daemon itself, each
// connection's SO_PEERCRED recorded before gRPC sees it.
#ifndef BPFWARDEN_DAEMON_API_UNIX_LISTENER_H_
#define BPFWARDEN_DAEMON_API_UNIX_LISTENER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "daemon/api/peer_registry.h"
#include "daemon/base/unique_fd.h"
#include "grpcpp/server.h"

namespace bpfwarden::api {

struct UnixListenerOptions {
  std::string path = "/run/bpfwarden/api.sock";
  mode_t mode = 0660;
  // Group owning the socket. When it does not exist the socket keeps the
  // daemon's group (so only root can connect) and a warning is logged.
  std::string group = "bpfwarden";
};

// Open connections a non-root uid may hold, and all non-root callers
// together; beyond them a new connection is closed at accept. Root is never
// refused, so an operator can always get in.
struct ConnectionCaps {
  size_t total = 512;
  size_t per_uid = 32;
};

class UnixListener {
 public:
  // Creates the parent directory (0755) if missing, removes a stale socket
  // (refusing when a live daemon answers on it), binds with `mode` from the
  // start (no window with a wider mode), sets the group, and listens.
  static absl::StatusOr<std::unique_ptr<UnixListener>> Create(
      const UnixListenerOptions& options);
  // Serves an already-listening Unix stream socket (socket activation): its
  // path, mode and group are the passer's, and Stop() leaves the file.
  static absl::StatusOr<std::unique_ptr<UnixListener>> Adopt(
      UniqueFd listen_fd);
  ~UnixListener();

  // Starts the accept thread: every connection is registered in `peers`
  // and handed to `server` (which must outlive Stop()).
  absl::Status Start(grpc::Server* server, PeerRegistry* peers,
                     ConnectionCaps caps = {});
  // Stops accepting and removes the socket file. Idempotent.
  void Stop();

  const std::string& path() const { return path_; }

 private:
  UnixListener(std::string path, UniqueFd listen_fd, UniqueFd stop_fd,
               bool owns_file)
      : path_(std::move(path)),
        listen_fd_(std::move(listen_fd)),
        stop_fd_(std::move(stop_fd)),
        owns_file_(owns_file) {}
  void AcceptLoop(grpc::Server* server, PeerRegistry* peers,
                  ConnectionCaps caps);
  // Whether `who` may open one more connection; logs refusals (a few).
  bool WithinCaps(const policy::Identity& who, PeerRegistry* peers,
                  const ConnectionCaps& caps);

  std::string path_;
  UniqueFd listen_fd_;
  UniqueFd stop_fd_;  // eventfd: written by Stop()
  bool owns_file_;    // bound here: Stop() removes the socket file
  std::thread thread_;
  uint64_t refused_ = 0;  // accept thread only
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_UNIX_LISTENER_H_
