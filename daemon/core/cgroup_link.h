// Cgroup attachments in the kernel: creating bpf_links, and querying what is
// attached to a cgroup (ours or anyone's).
#ifndef BPFWARDEN_DAEMON_CORE_CGROUP_LINK_H_
#define BPFWARDEN_DAEMON_CORE_CGROUP_LINK_H_

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden {

// Attaches `prog_fd` to the cgroup directory `cgroup` as `type` with
// BPF_LINK_CREATE. When the kernel answers EPERM because another tool holds
// a legacy attachment without BPF_F_ALLOW_MULTI there, the error is
// FailedPrecondition and names that program (id and name).
absl::StatusOr<UniqueFd> CreateCgroupLink(int prog_fd,
                                          const std::string& cgroup,
                                          bpf_attach_type type);

struct CgroupProgram {
  bpf_attach_type type;
  uint32_t program_id = 0;
  std::string program_name;   // as the kernel knows it (16 chars at most)
  uint32_t attach_flags = 0;  // of the cgroup for this type (legacy flags)
};

// Every program attached directly to `cgroup`, for every cgroup attach type.
absl::StatusOr<std::vector<CgroupProgram>> QueryCgroup(
    const std::string& cgroup);

// The full name of program `id` (from its BTF; the kernel keeps only 15
// characters otherwise); "" when it is gone.
std::string KernelProgramName(uint32_t id);

struct LinkInfo {
  uint32_t link_id = 0;
  uint32_t program_id = 0;
  uint64_t cgroup_id = 0;
  bpf_attach_type attach_type;
  bool is_cgroup = false;
};

absl::StatusOr<LinkInfo> GetLinkInfo(int link_fd);

// The id of the bpf_link `fd` refers to; FailedPrecondition when `fd` is
// another kind of file (a map, a program).
absl::StatusOr<uint32_t> LinkIdOf(int fd);

// Whether cgroup link `link_id` still exists and is attached to a cgroup.
absl::StatusOr<bool> CgroupLinkAttached(uint32_t link_id);

// Detaches the link now (BPF_LINK_DETACH), whoever else holds it, then
// closes it; OK for an empty `link`. When the kernel refuses the detach,
// the error names the link and says whether it stayed attached: closing the
// FD still detaches it unless something else (an FD elsewhere, a pin) holds
// the link.
absl::Status DetachAndClose(UniqueFd link);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_CGROUP_LINK_H_
