#include "tests/core/warden_fixture.h"

#include "daemon/base/libbpf_messages.h"
#include "tests/testing/kernel_clock.h"
#include "gmock/gmock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {

v1::ProgramSet BuiltinSet(const std::string& name) {
  v1::ProgramSet set;
  set.set_name(name);
  set.set_builtin(true);
  return set;
}

v1::ProgramSet SetOfObjects(const std::string& name,
                            const std::vector<std::string>& runfiles) {
  v1::ProgramSet set;
  set.set_name(name);
  for (const std::string& f : runfiles) set.add_objects(Runfile(f));
  return set;
}

v1::Attachment AttachmentSpec(const std::string& set,
                              const std::string& program,
                              const std::string& cgroup) {
  v1::Attachment a;
  a.set_program_set(set);
  a.set_program(program);
  a.set_cgroup(cgroup);
  return a;
}

void WardenFixture::SetUpTestSuite() { InstallLibbpfPrint(); }

std::string WardenFixture::SetDir(const std::string& set) const {
  return options_.pin_root + "/" + set;
}

void WardenFixture::SetUp() {
  BPFWARDEN_REQUIRE_KERNEL();
  absl::StatusOr<TestScope> scope = TestScope::Create(CurrentTestTag());
  ASSERT_TRUE(scope.ok()) << scope.status();
  scope_.emplace(*std::move(scope));
  absl::StatusOr<ScopedTempDir> state_dir = ScopedTempDir::Create("state");
  ASSERT_TRUE(state_dir.ok()) << state_dir.status();
  state_dir_.emplace(*std::move(state_dir));
  options_.pin_root = scope_->pins().path() + "/root";
  options_.state_dir = state_dir_->path();
  // CONFIG_HZ and the builtin variant as the daemon finds them.
  options_.platform = DetectedKernelPlatform();
  absl::StatusOr<std::unique_ptr<Warden>> warden = Warden::Create(options_);
  ASSERT_TRUE(warden.ok()) << warden.status();
  warden_ = *std::move(warden);
}

void WardenFixture::TearDown() {
  if (warden_ != nullptr) {
    absl::Status shutdown = warden_->Shutdown();
    EXPECT_TRUE(shutdown.ok()) << shutdown;
    warden_.reset();
  }
  if (scope_.has_value()) {
    EXPECT_THAT(scope_->Finish(), ::testing::IsEmpty());
  }
}

}  // namespace bpfwarden::testing
