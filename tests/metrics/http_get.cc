#include "tests/metrics/http_get.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "tests/testing/time_scale.h"

namespace bpfwarden::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sa;
}

}  // namespace

absl::StatusOr<UniqueFd> ConnectFrom(const std::string& source, int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus(errno, "socket");
  timeval timeout{Scaled(60), 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in from = Loopback(0);
  if (::inet_pton(AF_INET, source.c_str(), &from.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("source ", source));
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) {
    return ErrnoStatus(errno, absl::StrCat("bind to ", source));
  }
  sockaddr_in sa = Loopback(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    return ErrnoStatus(
        errno, absl::StrCat("connect from ", source, " to 127.0.0.1:", port));
  }
  return fd;
}

absl::StatusOr<HttpResponse> HttpGet(int port, const std::string& target,
                                     const std::string& source) {
  absl::StatusOr<UniqueFd> connected = ConnectFrom(source, port);
  if (!connected.ok()) return connected.status();
  UniqueFd fd = *std::move(connected);
  const std::string request = absl::StrCat(
      "GET ", target, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return ErrnoStatus(errno, "send the request");
  }
  std::string raw;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0) return ErrnoStatus(errno, absl::StrCat("read ", target));
    if (n == 0) break;
    raw.append(buf, n);
  }
  const size_t end = raw.find("\r\n\r\n");
  int status = 0;
  if (end == std::string::npos || raw.size() < 12 ||
      !absl::SimpleAtoi(raw.substr(9, 3), &status)) {
    return absl::DataLossError(
        absl::StrCat("not an HTTP response from ", target, ": ", raw.substr(0, 200)));
  }
  return HttpResponse{status, raw.substr(0, end), raw.substr(end + 4)};
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '~' ||
        c == '-') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

absl::StatusOr<int> FreeLoopbackPort() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus(errno, "socket");
  sockaddr_in sa = Loopback(0);
  socklen_t len = sizeof(sa);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    return ErrnoStatus(errno, "bind a free loopback port");
  }
  return ntohs(sa.sin_port);
}

}  // namespace bpfwarden::testing
