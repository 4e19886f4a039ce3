// The FDs a process holds on a BPF map, counted from /proc/<pid>/fdinfo.
#ifndef BPFWARDEN_TESTS_TESTING_MAP_FDS_H_
#define BPFWARDEN_TESTS_TESTING_MAP_FDS_H_

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

// How many of process `pid`'s FDs refer to the kernel map `map_id` (their
// fdinfo says "map_id:\t<map_id>"). An FD closed while it is read is
// skipped.
absl::StatusOr<int> CountMapFds(pid_t pid, uint32_t map_id);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_MAP_FDS_H_
