// The daemon's own metrics read from an in-process Warden (real kernel):
// attachments by state, attachments waiting for their systemd unit
// included, and maps with their entry counts.
#include "daemon/metrics/daemon_metrics.h"

#include "absl/strings/match.h"
#include "daemon/core/warden.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/metrics/metrics_fixture.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"

namespace bpfwarden::testing {
namespace {

std::string Render(const Warden& warden) {
  metrics::TextWriter out;
  metrics::DaemonSources sources;
  sources.warden = &warden;
  sources.version = "test";
  metrics::WriteDaemonMetrics(sources, {}, out);
  return out.Take();
}

double Attachments(const std::string& text, const std::string& state) {
  return SampleValue(text, "bpfwarden_attachments{origin=\"runtime\",state=\"" +
                               state + "\"}")
      .value_or(-1);
}

TEST(DaemonMetricsTest, AttachmentsWaitingForTheirUnitAreCounted) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = ScopedPinDir::Create("metrics-core");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto cgroup = ScopedCgroup::Create("metrics-core");
  ASSERT_TRUE(cgroup.ok()) << cgroup.status();
  auto warden = Warden::Create({.pin_root = pins->path(),
                                .state_dir = "",
                                .platform = DetectedKernelPlatform()});
  ASSERT_TRUE(warden.ok()) << warden.status();
  v1::ProgramSet set;
  set.set_name("u");
  set.set_builtin(true);
  ASSERT_TRUE((*warden)->Load(set).ok());
  v1::Attachment spec;
  spec.set_program_set("u");
  spec.set_program("tcp_stats_sockops");
  spec.set_unit("demo.service");
  absl::StatusOr<AttachmentInfo> info = (*warden)->Attach(spec);
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_TRUE(info->waiting);

  std::string text = Render(**warden);
  EXPECT_EQ(Attachments(text, "waiting"), 1) << text;
  EXPECT_EQ(Attachments(text, "attached"), 0);
  EXPECT_EQ(SampleValue(text,
                        "bpfwarden_map_entries{program_set=\"u\","
                        "map=\"tcp_stats\"}")
                .value_or(-1),
            0);
  EXPECT_EQ(SampleValue(text,
                        "bpfwarden_map_max_entries{program_set=\"u\","
                        "map=\"tcp_stats\",type=\"lru_hash\"}")
                .value_or(-1),
            16384);

  // The unit started: the attachment is made.
  info = (*warden)->FollowUnit(info->id, cgroup->path());
  ASSERT_TRUE(info.ok()) << info.status();
  text = Render(**warden);
  EXPECT_EQ(Attachments(text, "waiting"), 0) << text;
  EXPECT_EQ(Attachments(text, "attached"), 1);

  EXPECT_TRUE((*warden)->Detach(info->id).ok());
  EXPECT_TRUE((*warden)->Shutdown().ok());
}

// bpfwarden_config_failures: what the last start or reload failed to apply.
TEST(DaemonMetricsTest, ConfigFailuresAreAGauge) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = ScopedPinDir::Create("metrics-failures");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto warden = Warden::Create({.pin_root = pins->path(),
                                .state_dir = "",
                                .platform = DetectedKernelPlatform()});
  ASSERT_TRUE(warden.ok()) << warden.status();
  EXPECT_EQ(
      SampleValue(Render(**warden), "bpfwarden_config_failures").value_or(-1),
      0);

  v1::Config config;
  v1::ProgramSet* set = config.add_program_sets();
  set->set_name("f");
  set->set_builtin(true);
  v1::KconfigOverride* bad = set->add_kconfig();
  bad->set_name("HZ");  // not CONFIG_*: refused
  bad->set_value("250");
  v1::Attachment* att = config.add_attachments();
  att->set_program_set("f");
  att->set_program("tcp_stats_sockops");
  att->set_cgroup("/");
  EXPECT_FALSE((*warden)->Start(config).ok());
  std::string text = Render(**warden);
  EXPECT_EQ(SampleValue(text, "bpfwarden_config_failures").value_or(-1), 2)
      << text;
  EXPECT_TRUE(absl::StrContains(text, "# TYPE bpfwarden_config_failures gauge"))
      << text;

  // The set fixed and its attachment gone: nothing fails any more.
  config.mutable_program_sets(0)->clear_kconfig();
  config.clear_attachments();
  EXPECT_TRUE((*warden)->Reconcile(config).ok());
  EXPECT_EQ(
      SampleValue(Render(**warden), "bpfwarden_config_failures").value_or(-1),
      0);
  EXPECT_TRUE((*warden)->Shutdown().ok());
}

}  // namespace
}  // namespace bpfwarden::testing
