// Identities of the Unix-socket connections the daemon accepted, by fd.
#ifndef BPFWARDEN_DAEMON_API_PEER_REGISTRY_H_
#define BPFWARDEN_DAEMON_API_PEER_REGISTRY_H_

#include <sys/types.h>

#include <map>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "daemon/policy/identity.h"

namespace bpfwarden::api {

// The accept loop records each connection's SO_PEERCRED identity under its
// fd before handing the fd to gRPC; a call finds it from ServerContext::peer()
// ("fd:N").
//
// Fd reuse: gRPC closes fd N only when the connection's transport is
// destroyed, which waits for every call on it (each call holds a reference
// on its transport). So while a call runs, fd N still belongs to that
// call's connection, and the entry for N is that connection's: a later
// connection that gets N again is registered only after every call of the
// old one has ended, and overwrites the stale entry. Lookup also checks that
// fd N is still the socket that was registered (device and inode), so an fd
// reused by anything else fails closed.
class PeerRegistry {
 public:
  // Records `who` for the connected socket `fd`, replacing a stale entry.
  // Fails closed (returns false) if fstat fails.
  bool Register(int fd, policy::Identity who);
  std::optional<policy::Identity> Lookup(int fd) const;
  // Connections still open: all of them, and those of `uid`. Entries whose
  // fd no longer is the registered socket are dropped on the way.
  struct Live {
    size_t total = 0;
    size_t of_uid = 0;
  };
  Live CountLive(uid_t uid);
  size_t size() const;

 private:
  struct Entry {
    dev_t dev;
    ino_t ino;
    policy::Identity who;
  };
  mutable absl::Mutex mu_;
  std::map<int, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_PEER_REGISTRY_H_
