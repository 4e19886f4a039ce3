#include "daemon/base/scm_rights.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace bpfwarden {

void TakeReceivedFds(msghdr& msg, UniqueFd* keep) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (keep != nullptr && !keep->valid()) {
        keep->Reset(fd);
      } else {
        close(fd);
      }
    }
  }
}

void AttachFds(msghdr& msg, std::span<const int> fds, FdControl& control) {
  const size_t n = std::min(fds.size(), kMaxAttachedFds);
  std::memset(control.bytes, 0, sizeof(control.bytes));
  msg.msg_control = control.bytes;
  msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(n * sizeof(int));
  std::memcpy(CMSG_DATA(c), fds.data(), n * sizeof(int));
}

}  // namespace bpfwarden
