// Finding and checking cgroup v2 directories.
#ifndef BPFWARDEN_DAEMON_CORE_CGROUP_H_
#define BPFWARDEN_DAEMON_CORE_CGROUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

// The mount point of the cgroup v2 hierarchy in a /proc/mounts listing:
// /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid one.
absl::StatusOr<std::string> ParseCgroup2Mount(absl::string_view proc_mounts);

// The same, read from this process's /proc/mounts.
absl::StatusOr<std::string> FindCgroup2Mount();

// The 64-bit cgroup id (the kernfs inode number) of a cgroup v2 directory,
// as bpf_get_current_cgroup_id() reports it.
absl::StatusOr<uint64_t> CgroupId(const std::string& path);

// The canonical absolute path of the cgroup v2 directory an operator means
// by `path`: a path under `mount` as it is; "/" or "" for the root of the
// hierarchy; another absolute path that exists as it is (and then refused,
// being outside the mount); anything else relative to `mount`.
// NotFound when it does not exist; InvalidArgument for a cgroup v1
// directory, a directory that is no cgroup, or a path outside the mount.
absl::StatusOr<std::string> ResolveCgroup2Dir(const std::string& path,
                                              const std::string& mount);

// The same for a path a caller names, without probing the host: the path
// is taken relative to `mount` (a leading `mount` or "/" is dropped) and
// opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
// RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV) from the mount's directory, so
// nothing outside the hierarchy is looked at. Errors quote only `path` as
// given: NotFound when no such cgroup exists, InvalidArgument when the path
// leaves the hierarchy.
absl::StatusOr<std::string> ResolveCgroup2DirBeneath(const std::string& path,
                                                     const std::string& mount);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_CGROUP_H_
