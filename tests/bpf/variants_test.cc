// The two variants of the builtin object, as built: the one for kernels
// before 5.12 holds no instruction that they refuse (5.10's verifier checks
// every BPF_STX in an early pass, dead code included), and the default one
// still claims its slots with cmpxchg (so the scan can see one). Loading
// them is tcp_stats_test's job; the choice between them, the daemon's
// (tests/api/kernel_platform_test.cc).
#include "daemon/core/kernel_platform.h"
#include "daemon/core/kernel_probes.h"
#include "gtest/gtest.h"
#include "tests/testing/bpf_insns.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(VariantsTest, TheNoCmpxchgObjectHoldsOnlyAtomicAdds) {
  auto programs =
      NewAtomicsPerProgram(BuiltinObject(BuiltinVariant::kNoCmpxchg));
  ASSERT_TRUE(programs.ok()) << programs.status();
  ASSERT_TRUE(programs->contains("tcp_stats_sockops"));
  ASSERT_TRUE(programs->contains("tcp_tune_sockops"));
  for (const auto& [name, count] : *programs) {
    EXPECT_EQ(count, 0) << name;
  }
}

TEST(VariantsTest, TheDefaultObjectClaimsSlotsWithCmpxchg) {
  auto programs = NewAtomicsPerProgram(BuiltinObject(BuiltinVariant::kDefault));
  ASSERT_TRUE(programs.ok()) << programs.status();
  EXPECT_EQ(programs->at("tcp_stats_sockops"), 2);  // claim, and take over
  EXPECT_EQ(programs->at("tcp_tune_sockops"), 0);
}

// The probe finds cmpxchg where Linux has it: 5.12 and later.
TEST(VariantsTest, TheProbeFindsCmpxchgFrom512On) {
  BPFWARDEN_REQUIRE_KERNEL();
  const absl::Status probe = ProbeAtomicCmpxchg();
  if (KernelAtLeast(5, 12)) {
    EXPECT_TRUE(probe.ok()) << probe;
  } else {
    EXPECT_THAT(probe, StatusIs(absl::StatusCode::kInvalidArgument,
                                "load the atomic cmpxchg probe"));
  }
}

}  // namespace
}  // namespace bpfwarden::testing
