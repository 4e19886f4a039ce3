// What the daemon finds out about the kernel at start, end to end: it loads
// the builtin variant its cmpxchg probe (or --builtin_variant) chose, reads
// CONFIG_HZ from the kernel config file, and Daemon.Status says so.
// (Without a config file: measured_hz_test.)

#include <map>
#include <utility>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/core/kernel_hz.h"
#include "gtest/gtest.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/bpf_insns.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {
namespace {

class KernelPlatformTest : public ApiFixture {
 protected:
  // Daemon.Status's kernel features by name.
  std::map<std::string, v1::KernelFeature> Features(
      v1::StatusResponse* status) {
    grpc::Status s = status_->Status(Ctx().get(), {}, status);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return KernelFeaturesOf(*status);
  }

  // BPF_ATOMIC instructions other than add in the daemon's
  // tcp_stats_sockops, as the kernel holds it.
  int NewAtomicsOfLoadedTcpStats() {
    v1::GetProgramSetRequest req;
    req.set_name(kSet);
    v1::ProgramSetInfo set;
    grpc::Status s = programs_->Get(Ctx().get(), req, &set);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const v1::ProgramInfo& p : set.programs()) {
      if (p.name() != "tcp_stats_sockops") continue;
      auto insns = XlatedInsns(p.id());
      EXPECT_TRUE(insns.ok()) << insns.status();
      return insns.ok() ? CountNewAtomics(*insns) : -1;
    }
    ADD_FAILURE() << "no tcp_stats_sockops in " << set.DebugString();
    return -1;
  }
};

// Linux 5.12 and later get the default object, older ones the one without
// cmpxchg; CONFIG_HZ comes from the config file where there is one.
TEST_F(KernelPlatformTest, TheVariantFollowsTheKernel) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon(CurrentTestTag()));
  v1::StatusResponse status;
  std::map<std::string, v1::KernelFeature> features = Features(&status);
  EXPECT_EQ(status.program_sets(), 1u) << daemon_->Log();
  const bool cmpxchg = KernelAtLeast(5, 12);
  EXPECT_EQ(features["atomic_cmpxchg"].present(), cmpxchg);
  EXPECT_TRUE(absl::StartsWith(features["builtin_variant"].detail(),
                               cmpxchg ? "default" : "no_cmpxchg"))
      << features["builtin_variant"].detail();
  EXPECT_EQ(NewAtomicsOfLoadedTcpStats(), cmpxchg ? 2 : 0);
  absl::StatusOr<::bpfwarden::KernelHz> file =
      ReadKconfigFileHz(KconfigFilePaths());
  absl::StatusOr<uint32_t> hz = KernelHz();
  ASSERT_TRUE(hz.ok()) << hz.status();
  EXPECT_EQ(features["kernel_hz"].detail(),
            file.ok() ? absl::StrCat(file->hz, " (", file->source, ")")
                      : absl::StrCat(*hz, " (measured)"));
}

// The features the daemon depends on, probed, against the releases that
// brought them: a probe that lies either way fails here on some kernel of
// the matrix (5.10 has no decl tags; 5.10, 6.1 and 6.12 have the rest).
TEST_F(KernelPlatformTest, TheStatusListsTheFeaturesByTheirProbes) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon(CurrentTestTag()));
  v1::StatusResponse status;
  std::map<std::string, v1::KernelFeature> features = Features(&status);
  for (const auto& [name, since] : std::map<std::string, std::pair<int, int>>{
           {"map_batch_ops", {5, 6}},
           {"cgroup_link", {5, 7}},
           {"map_type_ringbuf", {5, 8}},
           {"btf_decl_tag", {5, 16}}}) {
    ASSERT_TRUE(features.count(name)) << name << " is not listed";
    EXPECT_EQ(features[name].present(), KernelAtLeast(since.first, since.second))
        << name << ": " << features[name].detail();
  }
  EXPECT_TRUE(features.count("lpm_trie_batch"));
  if (!features["btf_decl_tag"].present()) {
    EXPECT_TRUE(absl::StrContains(features["btf_decl_tag"].detail(), "5.16"));
  }
}

TEST_F(KernelPlatformTest, TheNoCmpxchgVariantCanBeForced) {
  BPFWARDEN_REQUIRE_KERNEL();
  extra_flags_ = {"--builtin_variant=no_cmpxchg"};
  ASSERT_NO_FATAL_FAILURE(StartDaemon(CurrentTestTag()));
  v1::StatusResponse status;
  std::map<std::string, v1::KernelFeature> features = Features(&status);
  EXPECT_EQ(features["atomic_cmpxchg"].present(), KernelAtLeast(5, 12));
  EXPECT_TRUE(
      absl::StartsWith(features["builtin_variant"].detail(), "no_cmpxchg"))
      << features["builtin_variant"].detail();
  EXPECT_EQ(status.program_sets(), 1u);
  EXPECT_EQ(NewAtomicsOfLoadedTcpStats(), 0);
}

TEST_F(KernelPlatformTest, AnUnknownVariantStopsTheStart) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto work = ScopedTempDir::Create(CurrentTestTag());
  ASSERT_TRUE(work.ok()) << work.status();
  auto daemon = DaemonProcess::Start({"--builtin_variant=fast"},
                                     work->path() + "/daemon.log");
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  auto exit = daemon->Wait();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 1) << daemon->Log();
  EXPECT_TRUE(absl::StrContains(
      daemon->Log(),
      "unknown builtin variant \"fast\": want auto, default or "
      "no_cmpxchg"))
      << daemon->Log();
}

}  // namespace
}  // namespace bpfwarden::testing
