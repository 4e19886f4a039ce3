#include "daemon/policy/unix_identity.h"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "daemon/base/errno_status.h"

namespace bpfwarden::policy {
namespace {

std::vector<char> LookupBuffer() {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  return std::vector<char>(size > 0 ? size : 16384);
}

std::string UserName(uid_t uid) {
  std::vector<char> buf = LookupBuffer();
  passwd pw{};
  passwd* found = nullptr;
  while (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == ERANGE) {
    buf.resize(buf.size() * 2);
  }
  return found ? found->pw_name : "";
}

std::string GroupName(gid_t gid) {
  std::vector<char> buf = LookupBuffer();
  group gr{};
  group* found = nullptr;
  while (getgrgid_r(gid, &gr, buf.data(), buf.size(), &found) == ERANGE) {
    buf.resize(buf.size() * 2);
  }
  return found ? found->gr_name : "";
}

// The primary group and the supplementary groups of the uid's user in the
// group database; only the primary one when the uid has no name.
std::vector<gid_t> Groups(const std::string& user, gid_t gid) {
  std::vector<gid_t> groups = {gid};
  if (user.empty()) return groups;
  int count = 64;
  std::vector<gid_t> found(count);
  while (getgrouplist(user.c_str(), gid, found.data(), &count) < 0) {
    found.resize(count > static_cast<int>(found.size()) ? count
                                                        : found.size() * 2);
    count = found.size();
  }
  found.resize(count);
  for (gid_t g : found) {
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) {
      groups.push_back(g);
    }
  }
  return groups;
}

}  // namespace

Identity UnixIdentity(uid_t uid, gid_t gid, pid_t pid,
                      const std::vector<gid_t>* live_groups) {
  Identity id;
  id.kind = Identity::Kind::kUnix;
  id.uid = uid;
  id.gid = gid;
  id.pid = pid;
  id.user = UserName(uid);
  if (live_groups == nullptr) {
    id.groups = Groups(id.user, gid);
  } else {
    id.groups = {gid};
    for (gid_t g : *live_groups) {
      if (std::find(id.groups.begin(), id.groups.end(), g) == id.groups.end()) {
        id.groups.push_back(g);
      }
    }
  }
  for (gid_t g : id.groups) {
    std::string name = GroupName(g);
    if (!name.empty()) id.group_names.push_back(std::move(name));
  }
  return id;
}

absl::StatusOr<Identity> PeerIdentity(int socket_fd) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return ErrnoStatus(errno, "getsockopt(SO_PEERCRED)");
  }
  // The peer's groups as the kernel had them at connect (SO_PEERGROUPS),
  // not as the group database says now.
  std::vector<gid_t> groups(64);
  for (;;) {
    socklen_t size = groups.size() * sizeof(gid_t);
    if (getsockopt(socket_fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(),
                   &size) == 0) {
      groups.resize(size / sizeof(gid_t));
      break;
    }
    if (errno != ERANGE) return ErrnoStatus(errno, "getsockopt(SO_PEERGROUPS)");
    groups.resize(size / sizeof(gid_t) + 1);
  }
  return UnixIdentity(cred.uid, cred.gid, cred.pid, &groups);
}

}  // namespace bpfwarden::policy
