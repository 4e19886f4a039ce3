// Label decoders for cgroup v2 ids: the cgroup's path, or the systemd unit
// its path names. One walk of the cgroup v2 tree per scrape that needs it.
#ifndef BPFWARDEN_DAEMON_METRICS_CGROUP_NAMES_H_
#define BPFWARDEN_DAEMON_METRICS_CGROUP_NAMES_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace bpfwarden::metrics {

class CgroupNames {
 public:
  // Every cgroup under `mount` (the cgroup v2 mount) by id (its directory's
  // inode number, which is the cgroup id on cgroup v2). Unreadable
  // directories are skipped. DeadlineExceeded (map_pages.h) when the walk
  // is not done by `deadline`.
  static absl::StatusOr<CgroupNames> Scan(const std::string& mount,
                                          absl::Time deadline);

  // "/system.slice/nginx.service" below the mount ("/" for the root); ""
  // for an unknown id. Valid UTF-8: each ill-formed subpart of a
  // directory's name is U+FFFD (utf8.h), so two names that differ only
  // there give one path.
  std::string Path(uint64_t id) const;
  size_t size() const { return paths_.size(); }

  // The innermost component of a cgroup path that names a systemd unit
  // (.service, .scope, .socket, .mount, .swap, .slice), "" when none does.
  static std::string UnitOf(absl::string_view path);

 private:
  absl::flat_hash_map<uint64_t, std::string> paths_;
};

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_CGROUP_NAMES_H_
