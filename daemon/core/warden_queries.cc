// The Warden's queries on sets and attachments. ListAttachments asks the
// kernel without holding the Warden's lock.
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/core/attachment.h"
#include "daemon/core/cgroup.h"
#include "daemon/core/foreign_attachments.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/warden.h"

namespace bpfwarden {
namespace {

// The same program attached to the same cgroup the same way.
bool SameAttachment(const AttachmentInfo& a, const AttachmentInfo& b) {
  return a.program_id == b.program_id && a.cgroup == b.cgroup &&
         a.attach_type == b.attach_type;
}

// `ours`, then what `seen` (a kernel listing) holds that is not ours: not
// one of `ours`, and not one of ours when the kernel was asked.
std::vector<AttachmentInfo> OursThenForeign(std::vector<AttachmentInfo> ours,
                                            std::vector<AttachmentInfo> seen) {
  std::vector<AttachmentInfo> out = std::move(ours);
  const size_t ours_count = out.size();
  for (AttachmentInfo& a : seen) {
    if (a.ours) continue;
    bool known = false;
    for (size_t i = 0; i < ours_count && !known; ++i) {
      known = SameAttachment(out[i], a);
    }
    if (!known) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

std::vector<ProgramSetInfo> Warden::ListSets() const {
  absl::MutexLock lock(&mu_);
  std::vector<ProgramSetInfo> out;
  for (const auto& [name, set] : sets_) out.push_back(set->info);
  return out;
}

absl::StatusOr<ProgramSetInfo> Warden::GetSet(absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = sets_.find(std::string(name));
  if (it == sets_.end()) {
    return absl::NotFoundError(absl::StrCat("no program set named ", name));
  }
  ProgramSetInfo info = it->second->info;
  info.verifier_log = it->second->verifier_log;
  return info;
}

absl::StatusOr<AttachmentInfo> Warden::GetAttachment(
    absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  const Attachment* att = attachments_.Find(id);
  if (att == nullptr) {
    return absl::NotFoundError(absl::StrCat("no attachment with id ", id));
  }
  return att->info();
}

std::vector<AttachmentInfo> Warden::OursOn(
    const std::set<std::string>& cgroups) const {
  absl::MutexLock lock(&mu_);
  std::vector<AttachmentInfo> out;
  for (const auto& [id, att] : attachments_.all()) {
    if (cgroups.count(att->info().cgroup)) out.push_back(att->info());
  }
  return out;
}

absl::StatusOr<std::vector<AttachmentInfo>> Warden::ListAttachments(
    std::optional<std::string> cgroup) const {
  std::set<std::string> cgroups;
  if (cgroup.has_value()) {
    absl::StatusOr<std::string> path =
        ResolveCgroup2DirBeneath(*cgroup, options_.cgroup2_mount);
    if (!path.ok()) return path.status();
    cgroups.insert(*path);
  } else {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, att] : attachments_.all())
      cgroups.insert(att->info().cgroup);
  }
  // Attachments may come and go while the kernel is asked: what was ours
  // before or is ours after is not foreign, and ours are listed as they are
  // after.
  std::set<std::string> queried = cgroups;
  queried.erase("");  // attachments waiting for their unit have no cgroup
  absl::StatusOr<std::vector<AttachmentInfo>> seen =
      WithForeignAttachments(OursOn(cgroups), queried);
  if (!seen.ok()) return seen.status();
  std::vector<AttachmentInfo> out =
      OursThenForeign(OursOn(cgroups), *std::move(seen));
  for (AttachmentInfo& a : out) {
    std::error_code ec;
    a.defunct = a.ours && !std::filesystem::exists(a.cgroup, ec) && !ec;
  }
  return out;
}

}  // namespace bpfwarden
