#include "daemon/metrics/prog_stats.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::metrics {

bool BpfStatsEnabled(const std::string& path) {
  std::ifstream in(path);
  int value = 0;
  return static_cast<bool>(in >> value) && value == 1;
}

absl::StatusOr<ProgStats> ReadProgStats(uint32_t id) {
  UniqueFd fd(bpf_prog_get_fd_by_id(id));
  if (!fd) {
    return ErrnoStatus(errno, absl::StrCat("open program id ", id));
  }
  bpf_prog_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) {
    return ErrnoStatus(errno, absl::StrCat("info of program id ", id));
  }
  return ProgStats{info.run_cnt, info.run_time_ns};
}

}  // namespace bpfwarden::metrics
