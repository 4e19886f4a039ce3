#include "daemon/core/attachment_table.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/base/log.h"
#include "daemon/core/names.h"

namespace bpfwarden {

Attachment* AttachmentTable::Find(absl::string_view id) const {
  auto it = attachments_.find(std::string(id));
  return it != attachments_.end() ? it->second.get() : nullptr;
}

std::vector<AttachmentInfo> AttachmentTable::OfSet(
    absl::string_view set) const {
  std::vector<AttachmentInfo> out;
  for (const auto& [id, att] : attachments_) {
    if (att->info().program_set == set) out.push_back(att->info());
  }
  return out;
}

std::set<std::string> AttachmentTable::LinkPins() const {
  std::set<std::string> out;
  for (const auto& [id, att] : attachments_) {
    if (att->info().pinned) out.insert(att->info().link_pin_path);
  }
  return out;
}

absl::StatusOr<AttachmentInfo> AttachmentTable::Add(const ResolvedAttachment& r,
                                                    const v1::Attachment& spec,
                                                    Origin origin) {
  if (attachments_.count(r.id)) {
    return absl::AlreadyExistsError(
        absl::StrCat("program ", spec.program(), " of set ", spec.program_set(),
                     " is already attached to ", r.cgroup, " as ",
                     AttachTypeName(r.type), " (attachment ", r.id, ")"));
  }
  const ExistingPin existing = known_pinned_.count(r.id) > 0
                                   ? ExistingPin::kAdopt
                                   : ExistingPin::kReplace;
  absl::StatusOr<std::unique_ptr<Attachment>> att =
      Attachment::Make(r, spec, origin, existing, layout_);
  if (!att.ok()) return att.status();
  AttachmentInfo result = (*att)->info();
  attachments_[r.id] = *std::move(att);
  return result;
}

void AttachmentTable::Replace(const std::string& id,
                              std::unique_ptr<Attachment> attachment) {
  attachments_[id] = std::move(attachment);
}

absl::Status AttachmentTable::Release(const std::string& id,
                                      LinkRelease policy) {
  auto it = attachments_.find(id);
  if (it == attachments_.end()) {
    return absl::NotFoundError(absl::StrCat("no attachment with id ", id));
  }
  std::unique_ptr<Attachment> att = std::move(it->second);
  attachments_.erase(it);
  return att->Release(policy);
}

void AttachmentTable::ReleaseSet(absl::string_view set, StatusList& errors) {
  for (const AttachmentInfo& a : OfSet(set)) {
    errors.Add(Release(a.id, LinkRelease::kDetach));
  }
}

AttachmentTable::Released AttachmentTable::ReleaseAll(LinkRelease policy,
                                                      StatusList& errors) {
  std::vector<std::string> ids;
  for (const auto& [id, att] : attachments_) ids.push_back(id);
  Released released;
  released.count = ids.size();
  for (const std::string& id : ids) {
    absl::Status s = Release(id, policy);
    if (!s.ok()) ++released.failed;
    errors.Add(s);
  }
  return released;
}

void AttachmentTable::MoveSet(const std::string& set, bpf_object* obj) {
  std::vector<std::string> orphans;
  for (auto& [id, att] : attachments_) {
    if (att->info().program_set != set) continue;
    absl::Status moved = att->MoveTo(obj);
    if (!moved.ok()) {
      BPFWARDEN_LOG(WARNING)
          << "reload " << set << ": " << moved << "; detaching " << id;
      orphans.push_back(id);
    }
  }
  for (const std::string& id : orphans) {
    absl::Status s = Release(id, LinkRelease::kDetach);
    if (!s.ok()) BPFWARDEN_LOG(ERROR) << "reload " << set << ": " << s;
  }
}

}  // namespace bpfwarden
