#include "daemon/core/attachment.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"
#include "daemon/core/cgroup.h"
#include "daemon/core/cgroup_link.h"
#include "daemon/core/names.h"
#include "daemon/core/pinned_links.h"

namespace bpfwarden {
namespace {

struct NewLink {
  UniqueFd fd;
  bool adopted = false;
};

// The link of a new attachment: adopted from its pin when `existing` allows
// and the pin holds the right link, otherwise created (and pinned when
// asked) after a stale pin in the way is removed.
absl::StatusOr<NewLink> LinkFor(const ResolvedAttachment& r, bool pinned,
                                ExistingPin existing,
                                const std::string& links_dir,
                                const std::string& pin_path) {
  const int prog_fd = bpf_program__fd(r.program);
  struct stat st;
  const bool pin_exists = ::stat(pin_path.c_str(), &st) == 0;
  if (pinned && pin_exists && existing == ExistingPin::kAdopt) {
    absl::StatusOr<UniqueFd> link =
        AdoptPinnedLink(pin_path, r.cgroup, r.type, prog_fd);
    if (link.ok()) return NewLink{*std::move(link), /*adopted=*/true};
    BPFWARDEN_LOG(WARNING) << "not adopting " << pin_path << ": "
                           << link.status();
  }
  if (pin_exists) {
    BPFWARDEN_LOG(WARNING) << "removing stale pinned link " << pin_path;
    absl::Status removed = RemovePinnedLink(pin_path);
    if (!removed.ok()) {
      return absl::Status(
          removed.code(),
          absl::StrCat("remove the stale pinned link: ", removed.message()));
    }
  }
  absl::StatusOr<UniqueFd> link = CreateCgroupLink(prog_fd, r.cgroup, r.type);
  if (!link.ok()) return link.status();
  if (pinned) {
    absl::Status pin = PinLink(link->get(), links_dir, pin_path);
    if (!pin.ok()) return pin;
  }
  return NewLink{*std::move(link), /*adopted=*/false};
}

// `first` if it failed, else `second`; when both failed, the first's code
// and both messages.
absl::Status Both(const absl::Status& first, const absl::Status& second) {
  if (first.ok()) return second;
  if (second.ok()) return first;
  return absl::Status(first.code(),
                      absl::StrCat(first.message(), "; ", second.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Attachment>> Attachment::Make(
    const ResolvedAttachment& r, const v1::Attachment& spec, Origin origin,
    ExistingPin existing, const PinLayout& layout) {
  AttachmentInfo info;
  info.id = r.id;
  info.ours = true;
  info.origin = origin;
  info.program_set = spec.program_set();
  info.program = spec.program();
  info.cgroup = r.cgroup;
  info.attach_type = AttachTypeName(r.type);
  info.unit = spec.unit();
  if (r.cgroup.empty()) {  // a unit without a cgroup now
    info.waiting = true;
    BPFWARDEN_LOG(INFO)
            .Field("BPFWARDEN_SET", spec.program_set())
            .Field("BPFWARDEN_PROGRAM", spec.program())
            .Field("BPFWARDEN_UNIT", spec.unit())
        << spec.program_set() << "/" << spec.program() << " waits for unit "
        << spec.unit() << " (" << info.id << ")";
    return std::unique_ptr<Attachment>(
        new Attachment(spec, r.type, UniqueFd(), std::move(info)));
  }
  if (absl::StatusOr<uint64_t> id = CgroupId(r.cgroup); id.ok()) {
    info.cgroup_id = *id;
  }
  const std::string& set = r.set->info.name;
  const std::string pin_path = layout.LinkPin(set, r.id);
  absl::StatusOr<NewLink> link =
      LinkFor(r, spec.pinned(), existing, layout.LinksDir(set), pin_path);
  if (!link.ok()) return link.status();
  info.pinned = spec.pinned();
  if (spec.pinned()) info.link_pin_path = pin_path;
  if (absl::StatusOr<LinkInfo> li = GetLinkInfo(link->fd.get()); li.ok()) {
    info.link_id = li->link_id;
    info.program_id = li->program_id;
  }
  BPFWARDEN_LOG(INFO)
          .Field("BPFWARDEN_SET", spec.program_set())
          .Field("BPFWARDEN_PROGRAM", spec.program())
          .Field("BPFWARDEN_CGROUP", r.cgroup)
          .Field("BPFWARDEN_UNIT", spec.unit())
      << (link->adopted ? "adopted " : "attached ") << spec.program_set() << "/"
      << spec.program() << " to " << r.cgroup
      << (info.unit.empty() ? "" : " of unit " + info.unit) << " as "
      << info.attach_type << " (" << info.id << ", link " << info.link_id
      << (info.pinned ? ", pinned" : "") << ")";
  return std::unique_ptr<Attachment>(
      new Attachment(spec, r.type, std::move(link->fd), std::move(info)));
}

Attachment::Attachment(const v1::Attachment& spec, bpf_attach_type type,
                       UniqueFd link, AttachmentInfo info)
    : spec_(spec),
      type_(type),
      link_(std::move(link)),
      info_(std::move(info)) {}

Attachment::~Attachment() {
  absl::Status s = Release(LinkRelease::kDetach);
  if (!s.ok()) BPFWARDEN_LOG(ERROR) << "dropping an attachment: " << s;
}

absl::Status Attachment::Release(LinkRelease policy) {
  if (!link_) return absl::OkStatus();
  const bool keep = info_.pinned && policy == LinkRelease::kKeepPinned;
  absl::Status s = keep ? KeepPinned() : Detach();
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(Describe(), ": ", s.message()));
}

absl::Status Attachment::Detach() {
  absl::Status unpinned = info_.pinned
                              ? UnpinLink(info_.link_pin_path, info_.link_id)
                              : absl::OkStatus();
  absl::Status detached = DetachAndClose(std::move(link_));
  if (detached.ok()) {
    BPFWARDEN_LOG(INFO)
            .Field("BPFWARDEN_SET", info_.program_set)
            .Field("BPFWARDEN_PROGRAM", info_.program)
            .Field("BPFWARDEN_CGROUP", info_.cgroup)
            .Field("BPFWARDEN_UNIT", info_.unit)
        << "detached " << info_.program_set << "/" << info_.program << " from "
        << info_.cgroup << " (" << info_.id << ")";
  }
  return Both(detached, unpinned);
}

absl::Status Attachment::KeepPinned() {
  absl::Status pinned = CheckLinkPin(info_.link_pin_path, info_.link_id);
  if (pinned.ok()) {
    link_.Reset();  // the pin keeps it attached
    BPFWARDEN_LOG(INFO) << "left pinned link " << info_.link_pin_path;
    return absl::OkStatus();
  }
  // Closing the FD would detach it anyway: detach it now, and say so.
  absl::Status detached = DetachAndClose(std::move(link_));
  const absl::Status not_kept = absl::FailedPreconditionError(
      absl::StrCat("cannot stay attached through its pin: ", pinned.message(),
                   detached.ok() ? "; detached it" : ""));
  return Both(not_kept, detached);
}

absl::Status Attachment::MoveTo(bpf_object* obj) {
  if (info_.waiting) return absl::OkStatus();  // attached when the unit starts
  info_.program_id = 0;
  bpf_program* prog =
      bpf_object__find_program_by_name(obj, info_.program.c_str());
  if (prog == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("the new version has no program ", info_.program));
  }
  absl::Status fits = CheckProgramFits(
      bpf_program__type(prog), bpf_program__expected_attach_type(prog), type_);
  if (!fits.ok()) return fits;
  if (bpf_link_update(link_.get(), bpf_program__fd(prog), nullptr) != 0) {
    return ErrnoStatus(errno, absl::StrCat("update link of ", info_.id));
  }
  absl::StatusOr<LinkInfo> link = GetLinkInfo(link_.get());
  info_.program_id = link.ok() ? link->program_id : 0;
  if (info_.program_id == 0)
    return absl::InternalError("link info after update");
  return absl::OkStatus();
}

std::string Attachment::Describe() const {
  return absl::StrCat("attachment ", info_.id, " (", info_.program_set, "/",
                      info_.program, " on ", info_.cgroup, " as ",
                      info_.attach_type, ", link ", info_.link_id, ")");
}

}  // namespace bpfwarden
