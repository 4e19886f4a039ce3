// Blocking stream-socket I/O for tests: all of a payload, or an error.
#ifndef BPFWARDEN_TESTS_TESTING_SOCKET_IO_H_
#define BPFWARDEN_TESTS_TESTING_SOCKET_IO_H_

#include <cstddef>

#include "absl/status/status.h"

namespace bpfwarden::testing {

// Sends `bytes` bytes of filler, retrying short writes and EINTR.
absl::Status SendAll(int fd, size_t bytes);

// Reads exactly `bytes` bytes; DataLoss if the peer closes first. With
// `then_eof`, also expects the peer's FIN right after them.
absl::Status ReceiveAll(int fd, size_t bytes, bool then_eof = false);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_SOCKET_IO_H_
