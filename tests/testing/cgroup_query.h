// What the kernel reports as attached to a cgroup.
#ifndef BPFWARDEN_TESTS_TESTING_CGROUP_QUERY_H_
#define BPFWARDEN_TESTS_TESTING_CGROUP_QUERY_H_

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

// Ids of the programs attached directly to `cgroup_path` for `type`, by
// bpf_link or by the legacy attach call alike.
absl::StatusOr<std::vector<uint32_t>> AttachedProgramIds(
    const std::string& cgroup_path, bpf_attach_type type);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_CGROUP_QUERY_H_
