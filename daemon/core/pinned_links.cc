#include "daemon/core/pinned_links.h"

#include <bpf/bpf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "daemon/base/crash_point.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"
#include "daemon/base/status_list.h"
#include "daemon/core/cgroup.h"
#include "daemon/core/cgroup_link.h"

namespace bpfwarden {

absl::Status PinLink(int link_fd, const std::string& links_dir,
                     const std::string& pin_path) {
  if (::mkdir(links_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, absl::StrCat("create ", links_dir));
  }
  if (bpf_obj_pin(link_fd, pin_path.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("pin link at ", pin_path));
  }
  CrashPoint("link.pinned");
  return absl::OkStatus();
}

absl::StatusOr<UniqueFd> AdoptPinnedLink(const std::string& pin_path,
                                         const std::string& cgroup,
                                         bpf_attach_type type, int prog_fd) {
  UniqueFd link(bpf_obj_get(pin_path.c_str()));
  if (!link)
    return ErrnoStatus(errno, absl::StrCat("open pinned link ", pin_path));
  absl::StatusOr<LinkInfo> info = GetLinkInfo(link.get());
  if (!info.ok()) return info.status();
  absl::StatusOr<uint64_t> cgroup_id = CgroupId(cgroup);
  if (!info->is_cgroup || !cgroup_id.ok() || info->cgroup_id != *cgroup_id ||
      info->attach_type != type) {
    return absl::FailedPreconditionError(absl::StrCat(
        "pinned link ", pin_path, " is not the attachment its name says"));
  }
  if (bpf_link_update(link.get(), prog_fd, nullptr) != 0) {
    return ErrnoStatus(errno, absl::StrCat("update pinned link ", pin_path));
  }
  return link;
}

absl::Status CheckLinkPin(const std::string& path, uint32_t link_id) {
  UniqueFd pinned(bpf_obj_get(path.c_str()));
  if (!pinned) {
    const int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat("nothing is pinned at ", path));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("the pin ", path, " no longer holds link ", link_id, " (",
                     ErrnoStatus(err, "open it").message(), ")"));
  }
  absl::StatusOr<uint32_t> id = LinkIdOf(pinned.get());
  if (!id.ok() || *id != link_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the pin ", path, " no longer holds link ", link_id, " but ",
        id.ok() ? absl::StrCat("link ", *id) : "an object that is no link"));
  }
  return absl::OkStatus();
}

absl::Status UnpinLink(const std::string& path, uint32_t link_id) {
  absl::Status holds = CheckLinkPin(path, link_id);
  if (absl::IsNotFound(holds)) return absl::OkStatus();
  if (!holds.ok()) {
    return absl::Status(holds.code(),
                        absl::StrCat(holds.message(), "; left it in place"));
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno,
                       absl::StrCat("unpin link ", link_id, " at ", path));
  }
  CrashPoint("link.unpinned");
  return absl::OkStatus();
}

absl::Status RemovePinnedLink(const std::string& path) {
  UniqueFd link(bpf_obj_get(path.c_str()));
  if (!link && errno == ENOENT) return absl::OkStatus();
  if (!link) return ErrnoStatus(errno, absl::StrCat("open pinned link ", path));
  StatusList errors;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    errors.Add(ErrnoStatus(errno, absl::StrCat("unpin ", path)));
  }
  CrashPoint("link.unpinned");
  absl::Status detached = DetachAndClose(std::move(link));
  if (!detached.ok()) {
    errors.Add(absl::Status(
        detached.code(),
        absl::StrCat("pinned at ", path, ": ", detached.message())));
  }
  return errors.Joined();
}

absl::Status RemoveUnownedLinkPins(const PinLayout& layout,
                                   const std::set<std::string>& owned) {
  StatusList errors;
  std::error_code ec;
  for (const auto& set_dir :
       std::filesystem::directory_iterator(layout.pin_root(), ec)) {
    const std::string set = set_dir.path().filename().string();
    std::error_code ec2;
    for (const auto& pin :
         std::filesystem::directory_iterator(layout.LinksDir(set), ec2)) {
      const std::string path =
          layout.LinkPin(set, pin.path().filename().string());
      if (owned.count(path)) continue;
      BPFWARDEN_LOG(WARNING)
          << "removing pinned link " << path
          << ": no attachment of the state or config owns it";
      errors.Add(RemovePinnedLink(path));
    }
  }
  if (ec) {
    errors.Add(absl::InternalError(
        absl::StrCat("list ", layout.pin_root(), ": ", ec.message())));
  }
  return errors.Joined();
}

}  // namespace bpfwarden
