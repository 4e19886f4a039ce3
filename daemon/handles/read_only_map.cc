#include "daemon/handles/read_only_map.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::handles {

absl::StatusOr<UniqueFd> OpenMapReadOnly(uint32_t id, absl::string_view label) {
  union bpf_attr attr = {};
  attr.map_id = id;
  attr.open_flags = BPF_F_RDONLY;
  UniqueFd fd(static_cast<int>(
      syscall(__NR_bpf, BPF_MAP_GET_FD_BY_ID, &attr, sizeof(attr))));
  if (!fd) {
    return ErrnoStatus(errno, absl::StrCat("open ", label, " (map id ", id,
                                           ") read-only"));
  }
  bpf_map_info info = {};
  union bpf_attr query = {};
  query.info.bpf_fd = static_cast<uint32_t>(fd.get());
  query.info.info_len = sizeof(info);
  query.info.info = reinterpret_cast<uint64_t>(&info);
  if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &query, sizeof(query)) != 0) {
    return ErrnoStatus(errno, absl::StrCat("inspect the read-only descriptor "
                                           "of ",
                                           label));
  }
  if (info.id != id) {
    return absl::InternalError(absl::StrCat(
        "the read-only descriptor of ", label, " is of map id ", info.id,
        ", not ", id));
  }
  return fd;
}

}  // namespace bpfwarden::handles
