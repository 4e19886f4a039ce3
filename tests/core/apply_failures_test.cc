// What failed to apply at Start and at each Reconcile (SIGHUP), kept by the
// Warden for Daemon.Status, `bpfwarden status` and the
// bpfwarden_config_failures gauge; and when nothing of a config applied.
#include <string>

#include "absl/strings/match.h"
#include "daemon/core/warden.h"
#include "gtest/gtest.h"
#include "tests/core/warden_fixture.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

// Set "s" (the builtin object; with a kconfig override the loader refuses
// when `broken`) and its tcp_stats_sockops attached to `cgroup`.
v1::Config ConfigOf(bool broken, const std::string& cgroup) {
  v1::Config config;
  v1::ProgramSet* set = config.add_program_sets();
  *set = BuiltinSet("s");
  if (broken) {
    v1::KconfigOverride* bad = set->add_kconfig();
    bad->set_name("NOT_CONFIG_HZ");
    bad->set_value("250");
  }
  *config.add_attachments() = AttachmentSpec("s", "tcp_stats_sockops", cgroup);
  return config;
}

using ApplyFailuresTest = WardenFixture;

TEST_F(ApplyFailuresTest, StartAndReconcileKeepWhatFailed) {
  const v1::Config broken = ConfigOf(true, cgroup().path());
  const v1::Config good = ConfigOf(false, cgroup().path());
  EXPECT_TRUE(warden_->ApplyFailures().empty());

  EXPECT_THAT(warden_->Start(broken),
              StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<StatusList::Failure> failures = warden_->ApplyFailures();
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].what, "config set s");
  EXPECT_THAT(failures[0].status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "bad kconfig override NOT_CONFIG_HZ=250"));
  EXPECT_EQ(failures[1].what,
            "config attachment s/tcp_stats_sockops to " + cgroup().path());
  EXPECT_FALSE(failures[1].status.ok());
  EXPECT_TRUE(warden_->AppliedNothingOf(broken));

  // A reload that applies everything clears the list.
  EXPECT_TRUE(warden_->Reconcile(good).ok());
  EXPECT_TRUE(warden_->ApplyFailures().empty());
  EXPECT_FALSE(warden_->AppliedNothingOf(good));

  // A reload whose new version of the set fails: the old one stays and
  // serves, and the failure is listed.
  EXPECT_FALSE(warden_->Reconcile(broken).ok());
  failures = warden_->ApplyFailures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].what, "reload s");
  EXPECT_TRUE(
      absl::StrContains(failures[0].status.message(), "bad kconfig override"));
  EXPECT_FALSE(warden_->AppliedNothingOf(broken));
}

TEST_F(ApplyFailuresTest, AnEmptyConfigIsNeverNothingApplied) {
  EXPECT_TRUE(warden_->Start(v1::Config()).ok());
  EXPECT_TRUE(warden_->ApplyFailures().empty());
  EXPECT_FALSE(warden_->AppliedNothingOf(v1::Config()));
}

}  // namespace
}  // namespace bpfwarden::testing
