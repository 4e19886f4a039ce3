// A daemon whose configuration failed to apply, end to end: Daemon.Status
// lists the failures (root) or counts them (others), `bpfwarden status`
// shows them, and --fail_if_nothing_applied (tools/run) makes the start
// exit 1 instead.
#include <sys/wait.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "tests/testing/daemon_process.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {
namespace {

// The builtin set with a kconfig override the loader refuses, and an
// attachment of it, which then cannot be made.
constexpr char kBrokenConfig[] = R"pb(
  program_sets {
    name: "bpfwarden"
    builtin: true
    kconfig { name: "HZ" value: "250" }
  }
  attachments {
    program_set: "bpfwarden"
    program: "tcp_stats_sockops"
    cgroup: "/"
  }
)pb";

class StatusFailuresTest : public CliFixture {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    setenv("COLUMNS", "200", 1);
    ASSERT_NO_FATAL_FAILURE(
        StartDaemonWithConfig(CurrentTestTag(), kBrokenConfig));
  }
};

TEST_F(StatusFailuresTest, StatusListsWhatFailedToApply) {
  v1::StatusResponse status;
  grpc::Status s = status_->Status(Ctx().get(), {}, &status);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(status.apply_failure_count(), 2u);
  ASSERT_EQ(status.apply_failures_size(), 2);
  EXPECT_EQ(status.apply_failures(0).item(), "config set bpfwarden");
  EXPECT_TRUE(absl::StartsWith(status.apply_failures(0).error(),
                               "INVALID_ARGUMENT: bad kconfig override HZ=250"))
      << status.apply_failures(0).error();
  EXPECT_EQ(status.apply_failures(1).item(),
            "config attachment bpfwarden/tcp_stats_sockops to /");

  const std::string out = CliOk({"status"});
  EXPECT_TRUE(absl::StrContains(out, "failures"));
  EXPECT_TRUE(absl::StrContains(
      out,
      "  config set bpfwarden: INVALID_ARGUMENT: bad kconfig override "
      "HZ=250"))
      << out;
  EXPECT_TRUE(absl::StrContains(
      out, "  config attachment bpfwarden/tcp_stats_sockops to /: NOT_FOUND"))
      << out;
  EXPECT_FALSE(absl::StrContains(out, "failures  none")) << out;
  // What the daemon found out about the kernel, on the kernel line.
  EXPECT_TRUE(absl::StrContains(out, ", CONFIG_HZ ")) << out;
  EXPECT_TRUE(absl::StrContains(out, KernelAtLeast(5, 12)
                                         ? ", builtin object default"
                                         : ", builtin object no_cmpxchg"))
      << out;
}

TEST_F(StatusFailuresTest, OthersGetTheCountOnly) {
  const std::string binary = work_->path() + "/bpfwarden";
  ASSERT_TRUE(CopyExecutable(Runfile("client/bpfwarden"), binary).ok());
  auto r = RunAs({65534, 65534, {65534}},
                 {binary, "--socket=" + daemon_->socket_path(), "status"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0) << r->err;
  EXPECT_TRUE(absl::StrContains(
      r->out,
      "2 item(s) failed to apply at start or the last reload (listed "
      "for root only)"))
      << r->out;
  EXPECT_FALSE(absl::StrContains(r->out, "bad kconfig override")) << r->out;
}

TEST_F(StatusFailuresTest, FailIfNothingAppliedExitsOne) {
  auto work = ScopedTempDir::Create(CurrentTestTag() + "-2");
  ASSERT_TRUE(work.ok()) << work.status();
  auto daemon = DaemonProcess::Start(
      {"--fail_if_nothing_applied", "--config_dir=" + daemon_->config_dir(),
       "--pin_root=" + pins_->path(),
       "--state_dir=", "--api_socket=" + work->path() + "/api.sock"},
      work->path() + "/daemon.log");
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  auto exit = daemon->Wait();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 1) << daemon->Log();
  EXPECT_TRUE(absl::StrContains(
      daemon->Log(),
      absl::StrCat("nothing of the configuration in ", daemon_->config_dir(),
                   " could be applied (--fail_if_nothing_applied)")))
      << daemon->Log();
}

}  // namespace
}  // namespace bpfwarden::testing
