#include "tests/testing/cgroup_query.h"

#include <bpf/bpf.h>
#include <fcntl.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::testing {

absl::StatusOr<std::vector<uint32_t>> AttachedProgramIds(
    const std::string& cgroup_path, bpf_attach_type type) {
  UniqueFd cgroup(
      ::open(cgroup_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup) return ErrnoStatus(errno, absl::StrCat("open ", cgroup_path));
  std::vector<uint32_t> ids(64);
  uint32_t count = ids.size();
  if (bpf_prog_query(cgroup.get(), type, 0, nullptr, ids.data(), &count) != 0) {
    return ErrnoStatus(errno, absl::StrCat("query programs on ", cgroup_path));
  }
  ids.resize(count);
  return ids;
}

}  // namespace bpfwarden::testing
