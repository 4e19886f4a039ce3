// One client of the handle socket: its identity, the bytes it sent that
// are not yet a whole frame, and the answer it has not yet taken (with the
// descriptor that rides on the answer's first byte). Non-blocking I/O
// only; HandleServer decides when to call what.
#ifndef BPFWARDEN_DAEMON_HANDLES_CONNECTION_H_
#define BPFWARDEN_DAEMON_HANDLES_CONNECTION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/base/unique_fd.h"
#include "daemon/handles/frame.h"
#include "daemon/policy/identity.h"
#include "bpfwarden/v1/handles.pb.h"

namespace bpfwarden::handles {

// Input kept at most: one whole request frame and the start of the next.
inline constexpr size_t kMaxInput = 2 * (kFrameHeader + kMaxRequestPayload);

class Connection {
 public:
  Connection(UniqueFd fd, policy::Identity who, absl::Time now)
      : fd_(std::move(fd)), who_(std::move(who)), since_(now) {}

  int fd() const { return fd_.get(); }
  const policy::Identity& who() const { return who_; }

  // Reads what the socket has (up to kMaxInput held). Descriptors a client
  // sends along are closed at once. False when the peer hung up or the
  // socket failed: the connection is done.
  bool Receive(absl::Time now);
  // The buffered input, and dropping its first `n` bytes.
  absl::string_view input() const { return in_; }
  void Consume(size_t n, absl::Time now);

  // Queues `response` (and `fd`, sent with its first byte). One answer at
  // a time: the server reads no further request until it is sent.
  void Queue(const v1::HandleResponse& response, UniqueFd fd, absl::Time now);
  // Sends what it can of the queued answer: OK when all of it is sent, or
  // Unavailable("would block") when the socket is full, or the error.
  absl::Status Flush(absl::Time now);
  bool answering() const { return !out_.empty(); }

  // Close once the queued answer is sent (after an error frame).
  void CloseAfterAnswer() { closing_ = true; }
  bool closing() const { return closing_; }

  // When the connection next needs attention if nothing happens: a
  // started frame's read deadline, a blocked answer's write deadline, or
  // the idle limit.
  absl::Time Deadline(absl::Duration read, absl::Duration write,
                      absl::Duration idle) const;
  // Whether, at its deadline, a request frame was left unfinished.
  bool MidFrame() const { return !in_.empty() && out_.empty(); }

 private:
  UniqueFd fd_;
  policy::Identity who_;
  std::string in_;
  std::string out_;
  size_t sent_ = 0;
  UniqueFd out_fd_;
  bool closing_ = false;
  // When the state the deadline counts from began (the first byte of a
  // frame, the first blocked send, or the last activity).
  absl::Time since_;
};

}  // namespace bpfwarden::handles

#endif  // BPFWARDEN_DAEMON_HANDLES_CONNECTION_H_
