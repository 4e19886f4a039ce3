// The daemon where no kernel config file is visible (containers, minimal
// images; Debian builds no /proc/config.gz): it measures CONFIG_HZ with
// bpf_jiffies64() and loads the builtin set, whose programs read CONFIG_HZ
// as a __kconfig extern, and Daemon.Status says the HZ was measured.
#include <sched.h>
#include <sys/mount.h>

#include <cerrno>
#include <filesystem>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/core/kernel_hz.h"
#include "gtest/gtest.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {
namespace {

// Moves this thread (and so the daemon it forks) into a private mount
// namespace where no kernel config file says anything: an empty tmpfs over
// /boot, /dev/null over /proc/config.gz. The host's mounts are untouched.
// There is no way back for a thread of a threaded process (setns refuses),
// so this test is alone in its binary.
absl::Status HideKernelConfig() {
  if (unshare(CLONE_NEWNS) != 0) return ErrnoStatus(errno, "unshare(NEWNS)");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return ErrnoStatus(errno, "make / private");
  }
  for (const std::string& path : KconfigFilePaths()) {
    std::error_code ec;
    if (absl::StartsWith(path, "/boot/")) {
      if (std::filesystem::is_directory("/boot", ec) &&
          mount("tmpfs", "/boot", "tmpfs", 0, "size=1m") != 0) {
        return ErrnoStatus(errno, "mount tmpfs on /boot");
      }
    } else if (std::filesystem::exists(path, ec) &&
               mount("/dev/null", path.c_str(), nullptr, MS_BIND, nullptr) !=
                   0) {
      return ErrnoStatus(errno, absl::StrCat("bind /dev/null over ", path));
    }
  }
  return absl::OkStatus();
}

using MeasuredHzTest = ApiFixture;

TEST_F(MeasuredHzTest, WithoutAKernelConfigFileTheBuiltinSetLoads) {
  BPFWARDEN_REQUIRE_KERNEL();
  // The HZ /proc/timer_list's jiffies tell, and the host's config file
  // when it has one: the daemon's measurement must agree with both.
  absl::StatusOr<uint32_t> reference = TimerListHz();
  ASSERT_TRUE(reference.ok()) << reference.status();
  absl::StatusOr<::bpfwarden::KernelHz> host =
      ReadKconfigFileHz(KconfigFilePaths());
  if (host.ok()) {
    ASSERT_EQ(host->hz, *reference) << host->source;
  } else {
    ASSERT_THAT(host, StatusIs(absl::StatusCode::kNotFound));
  }
  ASSERT_TRUE(HideKernelConfig().ok()) << HideKernelConfig();
  ASSERT_THAT(ReadKconfigFileHz(KconfigFilePaths()),
              StatusIs(absl::StatusCode::kNotFound));

  ASSERT_NO_FATAL_FAILURE(StartDaemon(CurrentTestTag()));
  v1::StatusResponse status;
  grpc::Status s = status_->Status(Ctx().get(), {}, &status);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::map<std::string, v1::KernelFeature> features = KernelFeaturesOf(status);
  EXPECT_EQ(status.program_sets(), 1u) << daemon_->Log();
  ASSERT_TRUE(features.contains("kernel_hz"));
  EXPECT_TRUE(features["kernel_hz"].present());
  EXPECT_EQ(features["kernel_hz"].detail(),
            absl::StrCat(*reference, " (measured)"));
  EXPECT_FALSE(absl::StrContains(daemon_->Log(), "Kconfig")) << daemon_->Log();
}

}  // namespace
}  // namespace bpfwarden::testing
