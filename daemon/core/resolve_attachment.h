// What an attachment spec names: the loaded set, its program, the attach
// type, the cgroup directory and the attachment's stable id.
#ifndef BPFWARDEN_DAEMON_CORE_RESOLVE_ATTACHMENT_H_
#define BPFWARDEN_DAEMON_CORE_RESOLVE_ATTACHMENT_H_

#include <linux/bpf.h>

#include <string>

#include "absl/status/statusor.h"
#include "daemon/core/loaded_set.h"
#include "bpfwarden/v1/config.pb.h"

struct bpf_program;

namespace bpfwarden {

struct ResolvedAttachment {
  LoadedSet* set = nullptr;
  bpf_program* program = nullptr;
  bpf_attach_type type;
  std::string cgroup;
  std::string id;
};

// Resolves `spec` against `set`, the loaded set it names: NotFound for an
// unknown program or cgroup, InvalidArgument for an attach type that is
// unknown or does not fit the program, or a path that is not cgroup v2.
// A spec naming a unit takes its cgroup from `unit_cgroup` (empty: the unit
// has none, the attachment waits and `cgroup` stays empty), and its id from
// the unit; one naming both a unit and a cgroup, or a pinned unit
// attachment, is InvalidArgument.
absl::StatusOr<ResolvedAttachment> ResolveAttachment(
    LoadedSet& set, const v1::Attachment& spec,
    const std::string& cgroup2_mount, const std::string& unit_cgroup = "");

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_RESOLVE_ATTACHMENT_H_
