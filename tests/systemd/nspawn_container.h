// A real systemd (the host's own, from /usr) booted as PID 1 of a
// systemd-nspawn container, confined below a test-owned cgroup in both the
// cgroup v2 mount and the name=systemd hierarchy, and driven with nsenter.
#ifndef BPFWARDEN_TESTS_SYSTEMD_NSPAWN_CONTAINER_H_
#define BPFWARDEN_TESTS_SYSTEMD_NSPAWN_CONTAINER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/testing/run_as.h"

namespace bpfwarden::testing {

struct NspawnOptions {
  // Test-owned cgroup v2 directory; the container lives in <it>/nspawn.
  std::string cgroup2_parent;
  // bpffs directory bound at the container's /sys/fs/bpf.
  std::string bpffs_dir;
  // nspawn's own output goes here.
  std::string log_path;
};

class NspawnContainer {
 public:
  // Boots the container and waits until its systemd reports a finished boot
  // ("running" or "degraded"). Fails, leaving nothing behind, when
  // systemd-nspawn is missing or the boot does not finish.
  static absl::StatusOr<std::unique_ptr<NspawnContainer>> Boot(
      const NspawnOptions& options);
  NspawnContainer(const NspawnContainer&) = delete;
  NspawnContainer& operator=(const NspawnContainer&) = delete;
  // PowerOff(), then kills whatever is left and removes the cgroups.
  ~NspawnContainer();

  // Runs argv inside every namespace of the container (nsenter -a).
  absl::StatusOr<RunResult> Exec(const std::vector<std::string>& argv) const;
  // Exec, failing unless it exits 0; its stdout.
  absl::StatusOr<std::string> Check(const std::vector<std::string>& argv) const;
  // `systemctl show -p NAME --value UNIT`.
  std::string UnitProperty(const std::string& unit,
                           const std::string& name) const;

  // A path inside the container as the host reaches it (/proc/<pid>/root).
  std::string HostPath(const std::string& container_path) const;
  // The container's cgroup v2 root (its payload) on the host.
  const std::string& payload_cgroup() const { return payload_; }
  pid_t leader() const { return leader_; }

  // systemctl poweroff and wait for nspawn to exit; then the cgroups are
  // removed. Afterwards the list of what could not be removed or stayed
  // attached (empty when clean).
  std::vector<std::string> PowerOff();

 private:
  NspawnContainer() = default;
  absl::Status WaitForBoot();

  std::string name_;
  std::string cgroup2_dir_;  // <parent>/nspawn
  std::string systemd_dir_;  // the parent's path in name=systemd (ours)
  std::string payload_;
  pid_t nspawn_ = -1;
  pid_t leader_ = -1;
  bool off_ = false;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_SYSTEMD_NSPAWN_CONTAINER_H_
