#include "daemon/metrics/handle_stats.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

namespace bpfwarden::metrics {

void HandleStats::Record(uid_t uid, bool granted) {
  absl::MutexLock lock(&mu_);
  HandleCount* row = &other_;
  auto it = by_uid_.find(uid);
  if (it != by_uid_.end()) {
    row = &it->second;
  } else if (by_uid_.size() < kMaxUids) {
    row = &by_uid_[uid];
    row->uid = uid;
  }
  ++(granted ? row->granted : row->refused);
}

std::vector<HandleCount> HandleStats::Snapshot() const {
  std::vector<HandleCount> out;
  absl::MutexLock lock(&mu_);
  out.reserve(by_uid_.size() + 1);
  for (const auto& [uid, row] : by_uid_) out.push_back(row);
  std::sort(out.begin(), out.end(),
            [](const HandleCount& a, const HandleCount& b) {
              return *a.uid < *b.uid;
            });
  if (other_.granted + other_.refused > 0) out.push_back(other_);
  return out;
}

void HandleStats::Write(TextWriter& out) const {
  out.Family("bpfwarden_handle_handovers_total",
             "Read-handle requests on the handle socket, by caller uid and "
             "result (granted: a read-only map descriptor was sent).",
             "counter");
  for (const HandleCount& row : Snapshot()) {
    const std::string uid =
        row.uid.has_value() ? absl::StrCat(*row.uid) : "other";
    out.Sample("bpfwarden_handle_handovers_total",
               {{"uid", uid}, {"result", "granted"}}, row.granted);
    out.Sample("bpfwarden_handle_handovers_total",
               {{"uid", uid}, {"result", "refused"}}, row.refused);
  }
}

}  // namespace bpfwarden::metrics
