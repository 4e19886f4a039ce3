// The daemon's attachments beside the programs other tools attached to the
// same cgroups, as the kernel reports them.
#ifndef BPFWARDEN_DAEMON_CORE_FOREIGN_ATTACHMENTS_H_
#define BPFWARDEN_DAEMON_CORE_FOREIGN_ATTACHMENTS_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/core/core_types.h"

namespace bpfwarden {

// `ours` (the daemon's attachments on `cgroups`) followed by the programs
// the kernel shows attached to `cgroups` that are not ours. A cgroup that
// no longer exists is skipped.
absl::StatusOr<std::vector<AttachmentInfo>> WithForeignAttachments(
    std::vector<AttachmentInfo> ours, const std::set<std::string>& cgroups);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_FOREIGN_ATTACHMENTS_H_
