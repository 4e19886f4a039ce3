#include "tests/testing/socket_io.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "daemon/base/errno_status.h"

namespace bpfwarden::testing {

absl::Status SendAll(int fd, size_t bytes) {
  std::vector<char> buf(64 * 1024, 'x');
  while (bytes > 0) {
    ssize_t n = ::send(fd, buf.data(), std::min(bytes, buf.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus(errno, "send");
    bytes -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status ReceiveAll(int fd, size_t bytes, bool then_eof) {
  std::vector<char> buf(64 * 1024);
  while (bytes > 0) {
    ssize_t n = ::recv(fd, buf.data(), std::min(bytes, buf.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "recv");
    if (n == 0) return absl::DataLossError("peer closed early");
    bytes -= static_cast<size_t>(n);
  }
  if (then_eof) {
    ssize_t n;
    do {
      n = ::recv(fd, buf.data(), 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n != 0) return absl::InternalError("expected EOF from the peer");
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden::testing
