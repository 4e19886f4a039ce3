// The calls the systemd adapter makes into the core: FollowUnit (attachments
// made for a unit, pointed at its cgroup of the moment), UnitAttachments,
// and Ping, the watchdog's check.
#include "absl/strings/str_cat.h"
#include "daemon/base/log.h"
#include "daemon/core/attachment.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/warden.h"

namespace bpfwarden {

absl::StatusOr<AttachmentInfo> Warden::FollowUnit(absl::string_view id,
                                                  const std::string& cgroup) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = CheckRunning(); !s.ok()) return s;
  Attachment* followed = attachments_.Find(id);
  if (followed == nullptr) {
    return absl::NotFoundError(absl::StrCat("no attachment with id ", id));
  }
  const v1::Attachment spec = followed->spec();
  const Origin origin = followed->info().origin;
  if (spec.unit().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("attachment ", id, " was not made for a systemd unit"));
  }
  auto set = sets_.find(spec.program_set());
  if (set == sets_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no program set named ", spec.program_set()));
  }
  absl::StatusOr<ResolvedAttachment> r =
      ResolveAttachment(*set->second, spec, options_.cgroup2_mount, cgroup);
  if (!r.ok()) return r.status();
  if (absl::Status s = followed->Release(LinkRelease::kDetach); !s.ok()) {
    BPFWARDEN_LOG(WARNING) << "unit " << spec.unit() << ": " << s;
  }
  absl::StatusOr<std::unique_ptr<Attachment>> att =
      Attachment::Make(*r, spec, origin, ExistingPin::kReplace, layout_);
  if (!att.ok()) {
    r->cgroup.clear();  // waits; a waiting attachment cannot fail to make
    attachments_.Replace(
        std::string(id),
        *Attachment::Make(*r, spec, origin, ExistingPin::kReplace, layout_));
    return absl::Status(
        att.status().code(),
        absl::StrCat("unit ", spec.unit(), ": ", att.status().message(),
                     "; it waits for the unit's next start"));
  }
  const AttachmentInfo info = (*att)->info();
  attachments_.Replace(std::string(id), *std::move(att));
  return info;
}

absl::Status Warden::Ping() const {
  absl::MutexLock lock(&mu_);
  return CheckRunning();
}

std::vector<AttachmentInfo> Warden::UnitAttachments() const {
  absl::MutexLock lock(&mu_);
  std::vector<AttachmentInfo> out;
  for (const auto& [id, att] : attachments_.all()) {
    if (!att->info().unit.empty()) out.push_back(att->info());
  }
  return out;
}

}  // namespace bpfwarden
