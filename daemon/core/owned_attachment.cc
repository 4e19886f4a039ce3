#include "daemon/core/owned_attachment.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>
#include <unistd.h>

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

// The link of a new attachment: adopted from its pin when allowed and
// possible, otherwise created (and pinned when asked). `adopted` tells
// which.
absl::StatusOr<UniqueFd> LinkFor(const ResolvedAttachment& r, bool pinned,
                                 bool may_adopt, const PinLayout& layout,
                                 bool& adopted) {
  const std::string& set = r.set->info.name;
  const std::string pin_path = layout.LinkPin(set, r.id);
  const int prog_fd = bpf_program__fd(r.program);
  struct stat st;
  const bool pin_exists = ::stat(pin_path.c_str(), &st) == 0;
  adopted = false;
  if (pinned && pin_exists && may_adopt) {
    absl::StatusOr<UniqueFd> link =
        AdoptPinnedLink(pin_path, r.cgroup, r.type, prog_fd);
    if (link.ok()) {
      adopted = true;
      return link;
    }
    BPFWARDEN_LOG(WARNING) << "not adopting " << pin_path << ": "
                           << link.status();
  }
  if (pin_exists) {
    BPFWARDEN_LOG(WARNING) << "removing stale pinned link " << pin_path;
    RemovePinnedLink(pin_path);
  }
  absl::StatusOr<UniqueFd> link = CreateCgroupLink(prog_fd, r.cgroup, r.type);
  if (!link.ok() || !pinned) return link;
  absl::Status pin = PinLink(link->get(), layout.LinksDir(set), pin_path);
  if (!pin.ok()) return pin;
  return link;
}

}  // namespace

absl::StatusOr<ResolvedAttachment> ResolveAttachment(
    LoadedSet& set, const v1::Attachment& spec,
    const std::string& cgroup2_mount) {
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
  absl::StatusOr<std::string> cgroup =
      ResolveCgroup2Dir(spec.cgroup(), cgroup2_mount);
  if (!cgroup.ok()) return cgroup.status();
  r.cgroup = *cgroup;
  r.id = AttachmentId(spec.program_set(), spec.program(), r.cgroup, r.type);
  return r;
}

absl::StatusOr<std::unique_ptr<OwnedAttachment>> MakeAttachment(
    const ResolvedAttachment& r, const v1::Attachment& spec, Origin origin,
    bool may_adopt, const PinLayout& layout) {
  bool adopted = false;
  absl::StatusOr<UniqueFd> link =
      LinkFor(r, spec.pinned(), may_adopt, layout, adopted);
  if (!link.ok()) return link.status();

  auto att = std::make_unique<OwnedAttachment>();
  att->spec = spec;
  att->type = r.type;
  att->link = *std::move(link);
  AttachmentInfo& info = att->info;
  info.id = r.id;
  info.ours = true;
  info.origin = origin;
  info.program_set = spec.program_set();
  info.program = spec.program();
  info.cgroup = r.cgroup;
  info.attach_type = AttachTypeName(r.type);
  info.pinned = spec.pinned();
  if (spec.pinned()) {
    info.link_pin_path = layout.LinkPin(r.set->info.name, r.id);
  }
  if (absl::StatusOr<LinkInfo> li = GetLinkInfo(att->link.get()); li.ok()) {
    info.link_id = li->link_id;
    info.program_id = li->program_id;
  }
  BPFWARDEN_LOG(INFO) << (adopted ? "adopted " : "attached ")
                      << spec.program_set() << "/" << spec.program() << " to "
                      << r.cgroup << " as " << info.attach_type << " ("
                      << info.id << ", link " << info.link_id
                      << (info.pinned ? ", pinned" : "") << ")";
  return att;
}

absl::Status MoveAttachment(OwnedAttachment& att, bpf_object* obj) {
  att.info.program_id = 0;
  bpf_program* prog =
      bpf_object__find_program_by_name(obj, att.info.program.c_str());
  if (prog == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("the new version has no program ", att.info.program));
  }
  absl::Status fits =
      CheckProgramFits(bpf_program__type(prog),
                       bpf_program__expected_attach_type(prog), att.type);
  if (!fits.ok()) return fits;
  if (bpf_link_update(att.link.get(), bpf_program__fd(prog), nullptr) != 0) {
    return ErrnoStatus(errno, absl::StrCat("update link of ", att.info.id));
  }
  absl::StatusOr<LinkInfo> link = GetLinkInfo(att.link.get());
  att.info.program_id = link.ok() ? link->program_id : 0;
  if (att.info.program_id == 0)
    return absl::InternalError("link info after update");
  return absl::OkStatus();
}

void ReleaseAttachment(std::unique_ptr<OwnedAttachment> att, bool keep_pin) {
  if (att->info.pinned && keep_pin) {
    att->link.Reset();  // the pin keeps it attached
    BPFWARDEN_LOG(INFO) << "left pinned link " << att->info.link_pin_path;
    return;
  }
  if (att->info.pinned) ::unlink(att->info.link_pin_path.c_str());
  DetachAndClose(std::move(att->link));
  BPFWARDEN_LOG(INFO) << "detached " << att->info.program_set << "/"
                      << att->info.program << " from " << att->info.cgroup
                      << " (" << att->info.id << ")";
}

absl::StatusOr<std::vector<AttachmentInfo>> WithForeignAttachments(
    std::vector<AttachmentInfo> ours, const std::set<std::string>& cgroups) {
  std::set<std::pair<std::string, uint32_t>> known;  // (cgroup/type, prog id)
  for (const AttachmentInfo& a : ours) {
    known.insert({a.cgroup + "\n" + a.attach_type, a.program_id});
  }
  std::vector<AttachmentInfo> out = std::move(ours);
  for (const std::string& path : cgroups) {
    absl::StatusOr<std::vector<CgroupProgram>> attached = QueryCgroup(path);
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
