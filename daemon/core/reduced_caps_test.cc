// RunWithEffectiveCaps: the work sees only the capabilities asked for, the
// caller keeps its own, and a capability missing from the permitted set is
// named instead of being silently absent. Needs root's capabilities.
#include "daemon/core/reduced_caps.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

constexpr uint64_t kBit(int cap) { return uint64_t{1} << cap; }

TEST(ReducedCapsTest, WorkRunsWithOnlyTheAskedCapabilities) {
  absl::StatusOr<uint64_t> before = EffectiveCaps();
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(*before & kScopedLoadCaps, kScopedLoadCaps)
      << "this test needs CAP_BPF and CAP_NET_ADMIN: run it as root";
  uint64_t inside = 0;
  absl::Status s = RunWithEffectiveCaps(kScopedLoadCaps, [&] {
    absl::StatusOr<uint64_t> caps = EffectiveCaps();
    if (!caps.ok()) return caps.status();
    inside = *caps;
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(inside, kScopedLoadCaps);
  EXPECT_EQ(inside & kBit(kCapSysAdmin), 0u);
  EXPECT_EQ(inside & kBit(kCapPerfmon), 0u);
  EXPECT_EQ(EffectiveCaps().value_or(0), *before);
}

TEST(ReducedCapsTest, TheWorksErrorComesBack) {
  EXPECT_THAT(RunWithEffectiveCaps(kScopedLoadCaps,
                                   [] { return absl::AbortedError("mine"); }),
              StatusIs(absl::StatusCode::kAborted, "mine"));
}

// A thread inherits its creator's capabilities: one that has dropped
// CAP_BPF from its permitted set cannot get it back for the work.
TEST(ReducedCapsTest, AMissingCapabilityIsNamed) {
  absl::Status result;
  bool ran = false;
  std::thread without_bpf([&] {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    ASSERT_EQ(::syscall(SYS_capget, &header, data), 0);
    data[1].effective &= ~(1u << (kCapBpf - 32));
    data[1].permitted &= ~(1u << (kCapBpf - 32));
    ASSERT_EQ(::syscall(SYS_capset, &header, data), 0);
    result = RunWithEffectiveCaps(kScopedLoadCaps, [&] {
      ran = true;
      return absl::OkStatus();
    });
  });
  without_bpf.join();
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kFailedPrecondition,
                               "the daemon has not got CAP_BPF (CAP_BPF "
                               "needs Linux 5.8"));
  EXPECT_FALSE(ran);
}

TEST(ReducedCapsTest, CapabilityNames) {
  EXPECT_EQ(CapabilityNames(kScopedLoadCaps), "CAP_NET_ADMIN, CAP_BPF");
  EXPECT_EQ(CapabilityNames(kBit(0)), "cap_0");
  EXPECT_EQ(CapabilityNames(0), "no capabilities");
}

}  // namespace
}  // namespace bpfwarden
