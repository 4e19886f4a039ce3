#include "daemon/core/foreign_attachments.h"

#include <cstdint>
#include <utility>

#include "daemon/core/cgroup_link.h"
#include "daemon/core/names.h"

namespace bpfwarden {

absl::StatusOr<std::vector<AttachmentInfo>> WithForeignAttachments(
    std::vector<AttachmentInfo> ours, const std::set<std::string>& cgroups) {
  std::set<std::pair<std::string, uint32_t>> known;  // (cgroup/type, prog id)
  for (const AttachmentInfo& a : ours) {
    known.insert({a.cgroup + "\n" + a.attach_type, a.program_id});
  }
  std::vector<AttachmentInfo> out = std::move(ours);
  for (const std::string& path : cgroups) {
    absl::StatusOr<std::vector<CgroupProgram>> attached = QueryCgroup(path);
    // A cgroup removed since (services and containers come and go): nothing
    // is attached to it any more; ours on it are defunct.
    if (absl::IsNotFound(attached.status())) continue;
    if (!attached.ok()) return attached.status();
    for (const CgroupProgram& p : *attached) {
      const std::string type = AttachTypeName(p.type);
      if (known.count({path + "\n" + type, p.program_id})) continue;
      AttachmentInfo info;
      info.ours = false;
      info.program = p.program_name;
      info.cgroup = path;
      info.attach_type = type;
      info.program_id = p.program_id;
      info.attach_flags = p.attach_flags;
      out.push_back(info);
    }
  }
  return out;
}

}  // namespace bpfwarden
