// Validation of operator-supplied names, attach types and attachment ids.
#ifndef BPFWARDEN_DAEMON_CORE_NAMES_H_
#define BPFWARDEN_DAEMON_CORE_NAMES_H_

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

// A program set name doubles as a directory under the pin root: 1-64
// characters of [A-Za-z0-9_-], so "..", "/" and the like are refused.
absl::Status ValidateSetName(absl::string_view name);

// A map or program name taken from an object (`kind` is "map" or
// "program"): 1-255 characters of [A-Za-z0-9_.] (the dot for libbpf's
// internal maps such as ".rodata"), so "/" and control characters are
// refused. With `pinned`, also no dot: the name becomes a bpffs file.
absl::Status ValidateObjectName(absl::string_view kind, absl::string_view name,
                                bool pinned = false);

// A cgroup attach type by libbpf's name ("cgroup_sock_ops",
// "cgroup_inet_ingress",
// ...); also accepts the short aliases "sock_ops", "ingress", "egress".
// InvalidArgument for names that are not cgroup attach types bpf_link
// supports.
absl::StatusOr<bpf_attach_type> ParseCgroupAttachType(absl::string_view name);

// A program type by libbpf's name ("sock_ops", "cgroup_skb", ...);
// InvalidArgument for unknown names.
absl::StatusOr<bpf_prog_type> ParseProgType(absl::string_view name);

// Every cgroup attach type bpfwarden attaches through bpf_link.
std::vector<bpf_attach_type> CgroupAttachTypes();

// libbpf's name for `type`, or "attach_type_<n>".
std::string AttachTypeName(bpf_attach_type type);
std::string ProgTypeName(bpf_prog_type type);

// OK when a program of `prog_type` loaded with `expected` as its expected
// attach type can be attached as `attach`; otherwise InvalidArgument naming
// the program type the attach type needs.
absl::Status CheckProgramFits(bpf_prog_type prog_type, bpf_attach_type expected,
                              bpf_attach_type attach);

// The stable id of an attachment: "att-" and 16 hex digits of a hash of the
// set, program, canonical cgroup path and attach type.
std::string AttachmentId(absl::string_view set, absl::string_view program,
                         absl::string_view cgroup, bpf_attach_type type);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_NAMES_H_
