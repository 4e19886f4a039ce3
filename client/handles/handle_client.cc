#include "client/handles/handle_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/scm_rights.h"
#include "daemon/handles/frame.h"

namespace bpfwarden::client {
namespace {

// Answers are small (a MapInfo with its layouts); anything past this is
// not the daemon talking.
constexpr size_t kMaxAnswer = 4 << 20;

}  // namespace

absl::Status SendAll(int socket, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        send(socket, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "send to the handle socket");
    }
    sent += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReceiveExactly(int socket, size_t n,
                                           UniqueFd* fd) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    iovec iov{out.data() + got, n - got};
    alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t r = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return absl::DeadlineExceededError(
            "the handle socket did not answer in time");
      }
      return ErrnoStatus(errno, "receive from the handle socket");
    }
    TakeReceivedFds(msg, fd);
    if (r == 0) {
      return absl::UnavailableError(absl::StrCat(
          "the handle socket closed the connection after ", got, " of ", n,
          " bytes"));
    }
    got += static_cast<size_t>(r);
  }
  return out;
}

absl::StatusOr<HandleClient> HandleClient::Connect(
    const std::string& socket_path, absl::Duration timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("socket path too long: ", socket_path));
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus(errno, "socket(AF_UNIX)");
  const timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr),
              sizeof(addr)) != 0) {
    return ErrnoStatus(errno, absl::StrCat("connect to ", socket_path));
  }
  return HandleClient(std::move(fd));
}

absl::StatusOr<v1::HandleResponse> HandleClient::Exchange(
    const std::string& payload, UniqueFd* fd) {
  std::string frame;
  handles::AppendFrame(payload, frame);
  if (absl::Status s = SendAll(fd_.get(), frame); !s.ok()) return s;
  UniqueFd passed;
  absl::StatusOr<std::string> header =
      ReceiveExactly(fd_.get(), handles::kFrameHeader, &passed);
  if (!header.ok()) return header.status();
  absl::StatusOr<handles::FrameScan> scan = handles::ScanFrame(*header, kMaxAnswer);
  if (!scan.ok()) return scan.status();
  const auto* b = reinterpret_cast<const uint8_t*>(header->data());
  const size_t length = b[0] | b[1] << 8 | b[2] << 16 | size_t{b[3]} << 24;
  absl::StatusOr<std::string> body = ReceiveExactly(fd_.get(), length, &passed);
  if (!body.ok()) return body.status();
  v1::HandleResponse response;
  if (!response.ParseFromString(*body)) {
    return absl::DataLossError("the handle socket's answer does not parse");
  }
  if (fd != nullptr) *fd = std::move(passed);
  return response;
}

absl::StatusOr<ReadHandle> HandleClient::Open(const std::string& program_set,
                                              const std::string& map) {
  v1::HandleRequest request;
  request.mutable_map()->set_program_set(program_set);
  request.mutable_map()->set_map(map);
  ReadHandle out;
  absl::StatusOr<v1::HandleResponse> response =
      Exchange(request.SerializeAsString(), &out.fd);
  if (!response.ok()) return response.status();
  if (response->code() != 0) {
    return absl::Status(static_cast<absl::StatusCode>(response->code()),
                        response->message());
  }
  if (!out.fd.valid()) {
    return absl::DataLossError("the daemon granted a handle but sent none");
  }
  out.map = std::move(*response->mutable_map());
  return out;
}

}  // namespace bpfwarden::client
