// What a non-root administrator may load and attach (its policy rules'
// limits, in the core's terms). The core checks it where the object's
// programs and the resolved attachment are known, before anything is
// created.
#ifndef BPFWARDEN_DAEMON_CORE_ADMIN_SCOPE_H_
#define BPFWARDEN_DAEMON_CORE_ADMIN_SCOPE_H_

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "daemon/core/admin_quota.h"

namespace bpfwarden {

// One rule's limits. An action is allowed when one scope allows it all.
struct AdminScope {
  std::vector<bpf_prog_type> program_types;
  std::vector<bpf_attach_type> attach_types;
  std::string cgroup_subtree;  // as the rule wrote it
  AdminQuotas quotas;          // what the principal may hold
};

// The widest of the scopes' quotas (the defaults when there are none).
AdminQuotas QuotasOf(const std::vector<AdminScope>& scopes);

// OK when one scope allows the type of every program of `obj`; otherwise
// PermissionDenied naming the program and its type.
absl::Status CheckProgramTypes(const std::vector<AdminScope>& scopes,
                               const bpf_object* obj);

// OK when one scope allows attaching as `type` to `cgroup` (canonical,
// beneath `mount`): its subtree, resolved beneath `mount`, or below.
absl::Status CheckAttachScope(const std::vector<AdminScope>& scopes,
                              bpf_attach_type type, const std::string& cgroup,
                              const std::string& mount);

// The same for an attachment that exists (its attach type by libbpf's
// name): whether the caller could have made it. One made for a systemd
// unit (`unit` set) is outside every scope, as attaching by unit is.
absl::Status CheckAttachedScope(const std::vector<AdminScope>& scopes,
                                absl::string_view attach_type,
                                const std::string& cgroup,
                                const std::string& unit,
                                const std::string& mount);

// OK when one scope allows every type of `program_types` (libbpf's names,
// the programs of a loaded set): whether the caller could have loaded it.
absl::Status CheckProgramTypeNames(
    const std::vector<AdminScope>& scopes,
    const std::vector<std::string>& program_types);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_ADMIN_SCOPE_H_
