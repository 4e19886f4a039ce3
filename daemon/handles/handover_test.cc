// The hand-over decision without a kernel: parse errors, the grant, the
// per-uid rate and the kernel probe's verdict, in that order, each audited
// and counted. With the probe failing, no map is ever opened (the Warden
// is not needed).
#include "daemon/handles/handover.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::handles {
namespace {

policy::Identity Nobody() {
  policy::Identity who;
  who.kind = policy::Identity::Kind::kUnix;
  who.uid = 65534;
  who.gid = 65534;
  return who;
}

std::string Request(const std::string& map) {
  v1::HandleRequest request;
  request.mutable_map()->set_program_set("bpfwarden");
  request.mutable_map()->set_map(map);
  return request.SerializeAsString();
}

class HandoverTest : public ::testing::Test {
 protected:
  HandoverTest() {
    auto policy = policy::Policy::Create(
        {{"bpfwarden", "tcp_*", {"uid:65534"}, {policy::Operation::kReadHandle}}});
    EXPECT_TRUE(policy.ok()) << policy.status();
    policy_ = std::make_shared<const policy::Policy>(*std::move(policy));
  }
  // The probe on the running kernel is a kernel test's
  // (tests/handles: Daemon.Status reports it usable).
  Handover Make(HandleProbe probe, int per_minute = 120) {
    return Handover(
        nullptr, [this] { return policy_; }, std::move(probe),
        HandoverLimits{per_minute}, &stats_);
  }
  std::shared_ptr<const policy::Policy> policy_;
  metrics::HandleStats stats_;
};

TEST_F(HandoverTest, AnUnusableKernelIsFailedPreconditionNamingTheRule) {
  const HandleProbe probe =
      Judge(ProbeStep::kLookupRefused, EPERM, /*sysctl=*/"2");
  EXPECT_FALSE(probe.usable);
  Handover handover = Make(probe);
  Answer answer = handover.Serve(Nobody(), Request("tcp_stats"));
  EXPECT_EQ(answer.response.code(), 9);  // FAILED_PRECONDITION
  EXPECT_EQ(answer.response.message(),
            "read handles are not usable on this kernel: this kernel refuses "
            "bpf() to a process without CAP_BPF or CAP_SYS_ADMIN while "
            "kernel.unprivileged_bpf_disabled is set, even on a map "
            "descriptor it was handed (lookup: Operation not permitted; "
            "kernel.unprivileged_bpf_disabled=2): read handles are not usable "
            "here");
  EXPECT_FALSE(answer.fd.valid());
  EXPECT_FALSE(answer.response.has_map());
  // Without the grant the caller learns nothing of the kernel.
  answer = handover.Serve(Nobody(), Request("other"));
  EXPECT_EQ(answer.response.code(), 7);
  EXPECT_EQ(answer.response.message(),
            "Handles.Open on map bpfwarden/other: permission denied (read "
            "handle access required)");
  // Root is told too: the kernel rule is no grant's to lift.
  policy::Identity root = Nobody();
  root.uid = 0;
  EXPECT_EQ(handover.Serve(root, Request("tcp_stats")).response.code(), 9);
  ASSERT_EQ(stats_.Snapshot().size(), 2u);
  EXPECT_EQ(stats_.Snapshot()[1].refused, 2u);
}

TEST_F(HandoverTest, ParseErrorsAndTheRateComeBeforeAnyMap) {
  Handover handover = Make(Judge(ProbeStep::kUpdateAllowed, 0, "0"), 3);
  EXPECT_EQ(handover.Serve(Nobody(), "\xff").response.code(), 3);
  for (int i = 0; i < 3; ++i) {
    // Past the grant and the rate, refused by the probe.
    EXPECT_EQ(handover.Serve(Nobody(), Request("tcp_stats")).response.code(),
              9);
  }
  Answer over = handover.Serve(Nobody(), Request("tcp_stats"));
  EXPECT_EQ(over.response.code(), 8);  // RESOURCE_EXHAUSTED
  EXPECT_NE(over.response.message().find("--handle_max_per_minute"),
            std::string::npos);
}

TEST(KernelProbeTest, VerdictsSayWhatWasFound) {
  EXPECT_TRUE(Judge(ProbeStep::kDone, EPERM, "2").usable);
  EXPECT_TRUE(Judge(ProbeStep::kDone, EPERM, "2").Precondition().ok());
  EXPECT_FALSE(Judge(ProbeStep::kUpdateAllowed, 0, "0").usable);
  EXPECT_NE(Judge(ProbeStep::kUpdateAllowed, 0, "0").detail.find(
                "accepted an update"),
            std::string::npos);
}

}  // namespace
}  // namespace bpfwarden::handles
