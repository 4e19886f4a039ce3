#include "tests/systemd/real_systemd_fixture.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/systemd/systemd_fixture.h"
#include "tests/testing/files.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {

void RealSystemdTest::SetUp() {
  BPFWARDEN_REQUIRE_KERNEL();
  CreateScopeAndWorkDir("rs", scope_, work_);
  if (HasFatalFailure()) return;
  auto container = NspawnContainer::Boot({
      .cgroup2_parent = scope_->cgroup().path(),
      .bpffs_dir = scope_->pins().path(),
      .log_path = work_->path() + "/nspawn.log",
  });
  ASSERT_TRUE(container.ok())
      << "the real-systemd container did not boot: " << container.status();
  container_ = *std::move(container);
}

void RealSystemdTest::TearDown() {
  if (container_ != nullptr) {
    if (HasFailure()) {
      auto journal = container_->Exec(
          {"journalctl", "--no-pager", "-n", "80", "-u", kService});
      if (journal.ok()) ADD_FAILURE() << "daemon journal:\n" << journal->out;
    }
    EXPECT_THAT(container_->PowerOff(), ::testing::IsEmpty());
    container_.reset();
  }
  if (scope_.has_value()) {
    EXPECT_THAT(scope_->Finish(), ::testing::IsEmpty());
  }
}

void RealSystemdTest::InstallDaemon(const std::string& config,
                                    const std::string& extra_flags,
                                    const std::string& extra_service) {
  for (const char* dir :
       {"/opt/bpfwarden", "/etc/bpfwarden", "/etc/sysusers.d",
        "/etc/tmpfiles.d", "/etc/systemd/system/bpfwardend.service.d"}) {
    ASSERT_TRUE(container_->Check({"mkdir", "-p", dir}).ok()) << dir;
  }
  ASSERT_TRUE(CopyExecutable(Runfile(daemon_runfile_),
                             container_->HostPath("/opt/bpfwarden/bpfwardend"))
                  .ok());
  ASSERT_TRUE(CopyExecutable(Runfile("client/bpfwarden"),
                             container_->HostPath("/opt/bpfwarden/bpfwarden"))
                  .ok());
  const std::pair<const char*, const char*> files[] = {
      {"deploy/bpfwardend.service", "/etc/systemd/system/bpfwardend.service"},
      {"deploy/bpfwardend.socket", "/etc/systemd/system/bpfwardend.socket"},
      {"deploy/sysusers.conf", "/etc/sysusers.d/bpfwarden.conf"},
      {"deploy/tmpfiles.conf", "/etc/tmpfiles.d/bpfwarden.conf"},
  };
  for (const auto& [from, to] : files) {
    const std::string text = ReadFile(Runfile(from));
    ASSERT_FALSE(text.empty()) << from << " is missing from the runfiles";
    ASSERT_TRUE(WriteFile(container_->HostPath(to), text).ok()) << to;
  }
  ASSERT_TRUE(
      WriteFile(container_->HostPath(
                    "/etc/systemd/system/bpfwardend.service.d/test.conf"),
                absl::StrCat("[Service]\nExecStart=\nExecStart=/opt/bpfwarden/"
                             "bpfwardend ",
                             extra_flags, "\n", extra_service, "\n"))
          .ok());
  WriteConfig(config);
  ASSERT_TRUE(container_->Check({"systemd-sysusers"}).ok());
  ASSERT_TRUE(container_
                  ->Check({"systemd-tmpfiles", "--create",
                           "/etc/tmpfiles.d/bpfwarden.conf"})
                  .ok());
  Systemctl({"daemon-reload"});
}

void RealSystemdTest::AddUser(const std::string& name, bool member) {
  std::vector<std::string> argv = {"useradd", "--system", "--no-create-home",
                                   "--user-group"};
  if (member) argv.insert(argv.end(), {"--groups", "bpfwarden"});
  argv.push_back(name);
  absl::StatusOr<std::string> out = container_->Check(argv);
  ASSERT_TRUE(out.ok()) << out.status();
}

void RealSystemdTest::WriteConfig(const std::string& config) {
  ASSERT_TRUE(
      WriteFile(container_->HostPath("/etc/bpfwarden/10-test.textproto"),
                config)
          .ok());
}

void RealSystemdTest::Systemctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"systemctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<std::string> out = container_->Check(argv);
  ASSERT_TRUE(out.ok()) << out.status();
}

std::string RealSystemdTest::UnitCgroup(const std::string& unit) const {
  return container_->payload_cgroup() +
         container_->UnitProperty(unit, "ControlGroup");
}

}  // namespace bpfwarden::testing
