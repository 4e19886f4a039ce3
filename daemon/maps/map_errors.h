// errno from a map operation -> absl::Status, with the map and operation.
#ifndef BPFWARDEN_DAEMON_MAPS_MAP_ERRORS_H_
#define BPFWARDEN_DAEMON_MAPS_MAP_ERRORS_H_

#include <linux/bpf.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

enum class MapAccess { kRead, kWrite };

// ErrnoStatus with "<op> <label>" as context, except EPERM/EACCES: those are
// FailedPrecondition when the map itself refuses the access (for writes:
// frozen, BPF_F_RDONLY, or `fd` opened read-only; for reads: BPF_F_WRONLY or
// `fd` opened write-only) and PermissionDenied otherwise (the daemon lacks
// the privilege; since Linux 6.5 operations on a map FD need no capability,
// so on such kernels that means an LSM refused). E2BIG on an update also
// says the map is full.
absl::Status MapErrnoStatus(int err, int fd, const bpf_map_info& info,
                            MapAccess access, absl::string_view op,
                            absl::string_view label);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_MAPS_MAP_ERRORS_H_
