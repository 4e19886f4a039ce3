// Finding and checking cgroup v2 directories.
#ifndef BPFWARDEN_DAEMON_CGROUP_H_
#define BPFWARDEN_DAEMON_CGROUP_H_

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

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CGROUP_H_
