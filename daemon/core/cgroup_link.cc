#include "daemon/core/cgroup_link.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <fcntl.h>

#include <cerrno>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/core/names.h"

namespace bpfwarden {
namespace {

absl::StatusOr<UniqueFd> OpenCgroup(const std::string& cgroup) {
  UniqueFd fd(::open(cgroup.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoStatus(errno, absl::StrCat("open cgroup ", cgroup));
  return fd;
}

absl::Status ExplainEperm(int cgroup_fd, const std::string& cgroup,
                          bpf_attach_type type) {
  uint32_t flags = 0;
  uint32_t ids[64];
  uint32_t count = 64;
  if (bpf_prog_query(cgroup_fd, type, 0, &flags, ids, &count) == 0 &&
      count > 0 && (flags & BPF_F_ALLOW_MULTI) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot attach as ", AttachTypeName(type), " to ", cgroup,
        ": another tool attached program id ", ids[0], " (",
        KernelProgramName(ids[0]),
        ") there with the legacy BPF_PROG_ATTACH call without "
        "BPF_F_ALLOW_MULTI, which excludes every other program; detach it "
        "first (e.g. bpftool cgroup detach ",
        cgroup, " ", AttachTypeName(type), " id ", ids[0], ")"));
  }
  return ErrnoStatus(
      EPERM, absl::StrCat("attach as ", AttachTypeName(type), " to ", cgroup));
}

}  // namespace

absl::StatusOr<UniqueFd> CreateCgroupLink(int prog_fd,
                                          const std::string& cgroup,
                                          bpf_attach_type type) {
  absl::StatusOr<UniqueFd> cg = OpenCgroup(cgroup);
  if (!cg.ok()) return cg.status();
  UniqueFd link(bpf_link_create(prog_fd, cg->get(), type, nullptr));
  if (link) return link;
  const int err = errno;
  if (err == EPERM) return ExplainEperm(cg->get(), cgroup, type);
  return ErrnoStatus(
      err, absl::StrCat("attach as ", AttachTypeName(type), " to ", cgroup));
}

absl::StatusOr<std::vector<CgroupProgram>> QueryCgroup(
    const std::string& cgroup) {
  absl::StatusOr<UniqueFd> cg = OpenCgroup(cgroup);
  if (!cg.ok()) return cg.status();
  std::vector<CgroupProgram> out;
  for (bpf_attach_type type : CgroupAttachTypes()) {
    uint32_t flags = 0;
    std::vector<uint32_t> ids(64);
    uint32_t count = ids.size();
    if (bpf_prog_query(cg->get(), type, 0, &flags, ids.data(), &count) != 0) {
      if (errno == EINVAL) continue;  // type unknown to this kernel
      return ErrnoStatus(errno, absl::StrCat("query ", AttachTypeName(type),
                                             " programs on ", cgroup));
    }
    for (uint32_t i = 0; i < count && i < ids.size(); ++i) {
      out.push_back({type, ids[i], KernelProgramName(ids[i]), flags});
    }
  }
  return out;
}

std::string KernelProgramName(uint32_t id) {
  UniqueFd fd(bpf_prog_get_fd_by_id(id));
  if (!fd) return "";
  bpf_func_info func{};
  bpf_prog_info info{};
  info.nr_func_info = 1;
  info.func_info_rec_size = sizeof(func);
  info.func_info = reinterpret_cast<uintptr_t>(&func);
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) return "";
  // The kernel keeps 15 characters of the name; BTF has all of it.
  if (info.btf_id != 0 && info.nr_func_info > 0) {
    BtfPtr btf(btf__load_from_kernel_by_id(info.btf_id));
    const btf_type* t =
        btf ? btf__type_by_id(btf.get(), func.type_id) : nullptr;
    if (t != nullptr) return btf__name_by_offset(btf.get(), t->name_off);
  }
  return info.name;
}

absl::StatusOr<LinkInfo> GetLinkInfo(int link_fd) {
  bpf_link_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(link_fd, &info, &len) != 0) {
    return ErrnoStatus(errno, "link info");
  }
  LinkInfo out;
  out.link_id = info.id;
  out.program_id = info.prog_id;
  out.is_cgroup = info.type == BPF_LINK_TYPE_CGROUP;
  if (out.is_cgroup) {
    out.cgroup_id = info.cgroup.cgroup_id;
    out.attach_type = static_cast<bpf_attach_type>(info.cgroup.attach_type);
  }
  return out;
}

absl::StatusOr<uint32_t> LinkIdOf(int fd) {
  const std::string path = absl::StrCat("/proc/self/fdinfo/", fd);
  std::ifstream fdinfo(path);
  if (!fdinfo) return ErrnoStatus(errno, absl::StrCat("read ", path));
  // A bpf_link's fdinfo has a "link_id:" line; a map's or a program's not.
  std::string line;
  while (std::getline(fdinfo, line)) {
    absl::string_view rest = line;
    uint32_t id = 0;
    if (absl::ConsumePrefix(&rest, "link_id:") &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &id)) {
      return id;
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("fd ", fd, " is not a bpf_link"));
}

absl::StatusOr<bool> CgroupLinkAttached(uint32_t link_id) {
  UniqueFd fd(bpf_link_get_fd_by_id(link_id));
  if (!fd) {
    if (errno == ENOENT) return false;
    return ErrnoStatus(errno, absl::StrCat("open link ", link_id));
  }
  absl::StatusOr<LinkInfo> info = GetLinkInfo(fd.get());
  if (!info.ok()) return info.status();
  // A detached cgroup link reports cgroup id 0.
  return info->is_cgroup && info->cgroup_id != 0;
}

absl::Status DetachAndClose(UniqueFd link) {
  if (!link) return absl::OkStatus();
  if (bpf_link_detach(link.get()) == 0) return absl::OkStatus();
  const int err = errno;
  absl::StatusOr<uint32_t> id = LinkIdOf(link.get());
  link.Reset();
  if (!id.ok()) {
    return ErrnoStatus(err, absl::StrCat("detach (BPF_LINK_DETACH) of a link "
                                         "of unknown id (",
                                         id.status().message(), ")"));
  }
  const std::string what = absl::StrCat("link ", *id);
  absl::StatusOr<bool> attached = CgroupLinkAttached(*id);
  std::string after;
  if (!attached.ok()) {
    after = absl::StrCat("; whether ", what, " is still attached is unknown (",
                         attached.status().message(), ")");
  } else if (*attached) {
    after = absl::StrCat("; ", what,
                         " stays attached: something else holds it (an FD "
                         "in another process, or a pin)");
  } else {
    after = "; closing its last FD detached it";
  }
  const absl::Status refused =
      ErrnoStatus(err, absl::StrCat("detach (BPF_LINK_DETACH) ", what));
  return absl::Status(refused.code(), absl::StrCat(refused.message(), after));
}

}  // namespace bpfwarden
