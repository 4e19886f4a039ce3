// Descriptors that arrive with a message on a Unix socket (SCM_RIGHTS).
#ifndef BPFWARDEN_DAEMON_BASE_SCM_RIGHTS_H_
#define BPFWARDEN_DAEMON_BASE_SCM_RIGHTS_H_

#include <sys/socket.h>

#include <span>

#include "daemon/base/unique_fd.h"

namespace bpfwarden {

// Takes every descriptor `msg` (as recvmsg filled it) carried: the first
// into `*keep` when `keep` is not null and holds none yet; every other one
// is closed at once, so a peer cannot park descriptors in this process.
void TakeReceivedFds(msghdr& msg, UniqueFd* keep);

// Room for the SCM_RIGHTS control message of up to kMaxAttachedFds
// descriptors; it must outlive the sendmsg.
inline constexpr size_t kMaxAttachedFds = 4;
struct FdControl {
  alignas(cmsghdr) char bytes[CMSG_SPACE(kMaxAttachedFds * sizeof(int))];
};

// Makes `msg` carry `fds` (at most kMaxAttachedFds) as SCM_RIGHTS with its
// data, in `control`.
void AttachFds(msghdr& msg, std::span<const int> fds, FdControl& control);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_SCM_RIGHTS_H_
