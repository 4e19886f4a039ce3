// Building an Identity from a Unix socket peer's kernel credentials.
#ifndef BPFWARDEN_DAEMON_POLICY_UNIX_IDENTITY_H_
#define BPFWARDEN_DAEMON_POLICY_UNIX_IDENTITY_H_

#include <sys/types.h>

#include <vector>

#include "absl/status/statusor.h"
#include "daemon/policy/identity.h"

namespace bpfwarden::policy {

// The identity of uid/gid/pid as SO_PEERCRED reports them, with the uid's
// supplementary groups (getgrouplist) and the user and group names.
// With `live_groups` (the peer's groups from SO_PEERGROUPS), those are its
// supplementary groups instead of the group database's.
Identity UnixIdentity(uid_t uid, gid_t gid, pid_t pid,
                      const std::vector<gid_t>* live_groups = nullptr);

// The identity of the peer of a connected Unix stream socket, from
// SO_PEERCRED.
absl::StatusOr<Identity> PeerIdentity(int socket_fd);

}  // namespace bpfwarden::policy

#endif  // BPFWARDEN_DAEMON_POLICY_UNIX_IDENTITY_H_
