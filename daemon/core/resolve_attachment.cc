#include "daemon/core/resolve_attachment.h"

#include <bpf/libbpf.h>

#include "absl/strings/str_cat.h"
#include "daemon/core/cgroup.h"
#include "daemon/core/names.h"

namespace bpfwarden {

absl::StatusOr<ResolvedAttachment> ResolveAttachment(
    LoadedSet& set, const v1::Attachment& spec,
    const std::string& cgroup2_mount, const std::string& unit_cgroup) {
  if (!spec.unit().empty() && (!spec.cgroup().empty() || spec.pinned())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "attachment to unit ", spec.unit(),
        ": give a unit or a cgroup, not both, and do not pin it (it follows "
        "the unit's cgroups)"));
  }
  ResolvedAttachment r;
  r.set = &set;
  r.program =
      bpf_object__find_program_by_name(set.obj.get(), spec.program().c_str());
  if (r.program == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "program set ", spec.program_set(), " has no program named ",
        spec.program(), " (it has: ", ProgramNames(set.obj.get()), ")"));
  }
  const bpf_attach_type expected = bpf_program__expected_attach_type(r.program);
  if (spec.attach_type().empty()) {
    r.type = expected;
  } else {
    absl::StatusOr<bpf_attach_type> type =
        ParseCgroupAttachType(spec.attach_type());
    if (!type.ok()) return type.status();
    r.type = *type;
  }
  absl::Status fits =
      CheckProgramFits(bpf_program__type(r.program), expected, r.type);
  if (!fits.ok()) {
    return absl::Status(fits.code(), absl::StrCat("program ", spec.program(),
                                                  ": ", fits.message()));
  }
  if (!spec.unit().empty()) {
    r.id = AttachmentId(spec.program_set(), spec.program(),
                        absl::StrCat("unit:", spec.unit()), r.type);
    if (unit_cgroup.empty()) return r;  // waiting
  }
  absl::StatusOr<std::string> cgroup = ResolveCgroup2Dir(
      spec.unit().empty() ? spec.cgroup() : unit_cgroup, cgroup2_mount);
  if (!cgroup.ok()) return cgroup.status();
  r.cgroup = *cgroup;
  if (spec.unit().empty()) {
    r.id = AttachmentId(spec.program_set(), spec.program(), r.cgroup, r.type);
  }
  return r;
}

}  // namespace bpfwarden
