// The client side of the read-handle socket (proto/bpfwarden/v1/handles.proto): asks the
// daemon for a read-only descriptor of a map and receives it (SCM_RIGHTS).
#ifndef BPFWARDEN_CLIENT_HANDLES_HANDLE_CLIENT_H_
#define BPFWARDEN_CLIENT_HANDLES_HANDLE_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/base/unique_fd.h"
#include "bpfwarden/v1/handles.pb.h"

namespace bpfwarden::client {

struct ReadHandle {
  UniqueFd fd;      // read-only: lookups and batch lookups only
  v1::MapInfo map;  // as Maps.Get describes it
};

// A connection to the handle socket; several requests may share it.
class HandleClient {
 public:
  // Connects to `socket_path`. Every send and receive gives up after
  // `timeout` (DEADLINE_EXCEEDED).
  static absl::StatusOr<HandleClient> Connect(
      const std::string& socket_path, absl::Duration timeout = absl::Seconds(10));

  // The map's read-only descriptor, or the daemon's refusal as a status of
  // its code and message (PERMISSION_DENIED without READ_HANDLE,
  // FAILED_PRECONDITION where the kernel does not let unprivileged
  // processes use it, ...).
  absl::StatusOr<ReadHandle> Open(const std::string& program_set,
                                  const std::string& map);

  // One exchange with `payload` as the request's bytes, sent as one frame
  // of its own: for tests that speak the protocol badly on purpose. The
  // answer, and the descriptor it carried (if any) in `fd`.
  absl::StatusOr<v1::HandleResponse> Exchange(const std::string& payload,
                                              UniqueFd* fd);

  int fd() const { return fd_.get(); }

 private:
  explicit HandleClient(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

// Sends all of `bytes` on a connected socket; receives exactly `n` bytes
// (and the first descriptor passed along, into `fd` when not null).
absl::Status SendAll(int socket, const std::string& bytes);
absl::StatusOr<std::string> ReceiveExactly(int socket, size_t n, UniqueFd* fd);

}  // namespace bpfwarden::client

#endif  // BPFWARDEN_CLIENT_HANDLES_HANDLE_CLIENT_H_
