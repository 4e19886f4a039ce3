#include "daemon/api/peer_registry.h"

#include <sys/stat.h>

namespace bpfwarden::api {

bool PeerRegistry::Register(int fd, policy::Identity who) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  absl::MutexLock lock(&mu_);
  entries_.insert_or_assign(fd, Entry{st.st_dev, st.st_ino, std::move(who)});
  return true;
}

std::optional<policy::Identity> PeerRegistry::Lookup(int fd) const {
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(fd);
  if (it == entries_.end() || it->second.dev != st.st_dev ||
      it->second.ino != st.st_ino) {
    return std::nullopt;
  }
  return it->second.who;
}

PeerRegistry::Live PeerRegistry::CountLive(uid_t uid) {
  Live live;
  absl::MutexLock lock(&mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    struct stat st {};
    if (fstat(it->first, &st) != 0 || st.st_dev != it->second.dev ||
        st.st_ino != it->second.ino) {
      it = entries_.erase(it);
      continue;
    }
    ++live.total;
    const policy::Identity& who = it->second.who;
    if (who.kind == policy::Identity::Kind::kUnix && who.uid == uid) {
      ++live.of_uid;
    }
    ++it;
  }
  return live;
}

size_t PeerRegistry::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace bpfwarden::api
