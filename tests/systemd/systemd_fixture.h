// Fixture of the systemd tests: a bpfwardend with its own pin root, cgroup
// (the builtin set's tcp_stats_sockops attached to it by config) and work
// directory, started the way systemd would start it; residue checked after.
#ifndef BPFWARDEN_TESTS_SYSTEMD_SYSTEMD_FIXTURE_H_
#define BPFWARDEN_TESTS_SYSTEMD_SYSTEMD_FIXTURE_H_

#include <sys/un.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"
#include "gtest/gtest.h"
#include "bpfwarden/v1/api.pb.h"
#include "tests/testing/daemon_process.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {

// A Unix socket of `type` bound at `path` (and listening for streams).
absl::StatusOr<UniqueFd> BindUnix(const std::string& path, int type);

// Daemon.Status over the Unix socket at `path`: one attempt, 5 s deadline.
absl::StatusOr<v1::StatusResponse> StatusOver(const std::string& path);

// The pin directory, cgroup and work directory of one systemd test, named
// "<prefix>-<test>"; fails the test (fatally) when one cannot be made.
void CreateScopeAndWorkDir(const std::string& prefix,
                           std::optional<TestScope>& scope,
                           std::optional<ScopedTempDir>& work);

class SystemdFixture : public ::testing::Test {
 protected:
  // Checks the kernel; creates the pin dir, cgroup, work dir and config.
  void SetUp() override;
  // Kills the daemon if it still runs, then checks that nothing is attached
  // to the cgroup and that the pin dir and cgroup are gone (TestScope).
  void TearDown() override;

  // Starts bpfwardend with its API socket flag at `api_socket`.
  void StartDaemon(const std::string& api_socket, const SpawnOptions& spawn);
  // Programs attached to the test's cgroup (sock_ops).
  size_t Attached() const;
  // Waits for the daemon to exit; its exit code (128 + signal if killed).
  int WaitExit();

  std::string work() const { return work_->path(); }

  std::optional<TestScope> scope_;
  std::optional<ScopedTempDir> work_;
  std::optional<DaemonProcess> daemon_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_SYSTEMD_SYSTEMD_FIXTURE_H_
