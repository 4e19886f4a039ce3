// Fixture of the tests inside a real systemd: a booted NspawnContainer with
// the shipped units (deploy/) installed, the daemon and CLI from this build
// under /opt/bpfwarden, the test's pin directory as the container's bpffs.
// TearDown powers the container off and checks, from the host, that no
// attachment, cgroup or pin is left.
#ifndef BPFWARDEN_TESTS_SYSTEMD_REAL_SYSTEMD_FIXTURE_H_
#define BPFWARDEN_TESTS_SYSTEMD_REAL_SYSTEMD_FIXTURE_H_

#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "tests/systemd/nspawn_container.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {

class RealSystemdTest : public ::testing::Test {
 protected:
  static constexpr char kService[] = "bpfwardend.service";
  static constexpr char kSocket[] = "bpfwardend.socket";
  static constexpr char kApiSocket[] = "/run/bpfwarden/api.sock";
  // A configuration with the builtin set.
  static constexpr char kBuiltinSet[] =
      "program_sets { name: \"bpfwarden\" builtin: true }\n";

  void SetUp() override;
  void TearDown() override;

  // Copies the binaries, units (with a drop-in pointing ExecStart at
  // /opt/bpfwarden/bpfwardend plus `extra_flags`), sysusers and tmpfiles
  // entries and `config` (/etc/bpfwarden/10-test.textproto) into the
  // container, and reloads its systemd.
  // `extra_service` lines go into the drop-in's [Service] section.
  void InstallDaemon(const std::string& config,
                     const std::string& extra_flags = "",
                     const std::string& extra_service = "");
  // A system user (and its group) in the container, in group bpfwarden
  // when `member`.
  void AddUser(const std::string& name, bool member);
  // Replaces the container's /etc/bpfwarden/10-test.textproto.
  void WriteConfig(const std::string& config);
  // `systemctl ARGS...` in the container; fails the test unless it exits 0.
  void Systemctl(const std::vector<std::string>& args);
  // The API socket as the host reaches it.
  std::string ApiSocket() const { return container_->HostPath(kApiSocket); }
  // The container's cgroup v2 directory of `unit`, on the host.
  std::string UnitCgroup(const std::string& unit) const;

  // The daemon installed: the shipped binary unless a test needs the one
  // with test hooks (daemon/test_hooks.h).
  std::string daemon_runfile_ = "daemon/bpfwardend";
  std::optional<TestScope> scope_;
  std::optional<ScopedTempDir> work_;
  std::unique_ptr<NspawnContainer> container_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_SYSTEMD_REAL_SYSTEMD_FIXTURE_H_
