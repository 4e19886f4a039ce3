#include "daemon/handles/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/base/errno_status.h"
#include "daemon/base/scm_rights.h"

namespace bpfwarden::handles {

bool Connection::Receive(absl::Time now) {
  char buf[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(16 * sizeof(int))];
  while (in_.size() < kMaxInput) {
    iovec iov{buf, std::min(sizeof(buf), kMaxInput - in_.size())};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t n = recvmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    TakeReceivedFds(msg, nullptr);  // a client cannot park descriptors here
    if (n == 0) return false;
    if (in_.empty()) since_ = now;  // a frame starts
    in_.append(buf, static_cast<size_t>(n));
  }
  return true;
}

void Connection::Consume(size_t n, absl::Time now) {
  in_.erase(0, n);
  since_ = now;  // what is left (if anything) starts a frame now
}

void Connection::Queue(const v1::HandleResponse& response, UniqueFd fd,
                       absl::Time now) {
  since_ = now;  // the answer must be taken within the write limit
  out_.clear();
  sent_ = 0;
  AppendFrame(response.SerializeAsString(), out_);
  out_fd_ = std::move(fd);
}

absl::Status Connection::Flush(absl::Time now) {
  while (sent_ < out_.size()) {
    iovec iov{out_.data() + sent_, out_.size() - sent_};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    FdControl control;
    if (out_fd_.valid()) {
      const int fd = out_fd_.get();
      AttachFds(msg, {&fd, 1}, control);
    }
    const ssize_t n = sendmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return absl::UnavailableError("would block");
      }
      return ErrnoStatus(errno, "send a handle answer");
    }
    // The kernel holds its own reference from here: ours is closed.
    out_fd_.Reset();
    sent_ += static_cast<size_t>(n);
  }
  out_.clear();
  sent_ = 0;
  since_ = now;
  return absl::OkStatus();
}

absl::Time Connection::Deadline(absl::Duration read, absl::Duration write,
                                absl::Duration idle) const {
  if (!out_.empty()) return since_ + write;
  if (!in_.empty()) return since_ + read;
  return since_ + idle;
}

}  // namespace bpfwarden::handles
