// What a map metric's spec says by itself, and the UNIT label decoder.
#include "daemon/metrics/cgroup_names.h"
#include "daemon/metrics/map_metric.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bpfwarden::metrics {
namespace {

using ::testing::HasSubstr;

v1::MapMetric Good() {
  v1::MapMetric spec;
  spec.set_program_set("bpfwarden");
  spec.set_map("tcp_stats");
  spec.set_name("bpfwarden_tcp_bytes_received_total");
  spec.set_type(v1::MapMetric::COUNTER);
  spec.set_value("bytes_received");
  spec.add_labels("cgroup_id");
  return spec;
}

std::string Refusal(const v1::MapMetric& spec) {
  absl::Status s = CheckSpec(spec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return std::string(s.message());
}

TEST(MapMetricSpecTest, AGoodSpecPasses) {
  v1::MapMetric spec = Good();
  v1::LabelDecoder* d = spec.add_label_decoders();
  d->set_field("cgroup_id");
  d->set_as(v1::LabelDecoder::UNIT);
  EXPECT_TRUE(CheckSpec(spec).ok()) << CheckSpec(spec);
}

TEST(MapMetricSpecTest, BadSpecsAreRefusedNamingTheMetric) {
  v1::MapMetric spec = Good();
  spec.set_name("bytes-total");
  EXPECT_THAT(Refusal(spec), HasSubstr("metric \"bytes-total\" (map "
                                       "bpfwarden/tcp_stats): name must"));
  spec = Good();
  spec.set_type(v1::MapMetric::TYPE_UNSPECIFIED);
  EXPECT_THAT(Refusal(spec), HasSubstr("type must be COUNTER or GAUGE"));
  spec = Good();
  spec.clear_value();
  EXPECT_THAT(Refusal(spec), HasSubstr("value (a field path) is required"));
  spec = Good();
  spec.add_labels("cgroup_id");
  EXPECT_THAT(Refusal(spec), HasSubstr("a label path is given twice"));
  spec = Good();
  spec.add_label_decoders()->set_field("remote_port");
  EXPECT_THAT(Refusal(spec), HasSubstr("label_decoders field \"remote_port\" "
                                       "is not one of the labels"));
  spec = Good();
  spec.add_label_decoders()->set_field("cgroup_id");
  EXPECT_THAT(Refusal(spec), HasSubstr("as must be CGROUP_PATH or UNIT"));
}

TEST(CgroupNamesTest, UnitIsTheInnermostUnitInThePath) {
  EXPECT_EQ(CgroupNames::UnitOf("/system.slice/nginx.service"),
            "nginx.service");
  EXPECT_EQ(CgroupNames::UnitOf(
                "/user.slice/user-1000.slice/session-2.scope/sub"),
            "session-2.scope");
  EXPECT_EQ(CgroupNames::UnitOf("/system.slice"), "system.slice");
  EXPECT_EQ(CgroupNames::UnitOf("/bpfwarden-test-x"), "");
  EXPECT_EQ(CgroupNames::UnitOf("/.service"), "");
  EXPECT_EQ(CgroupNames::UnitOf(""), "");
}

}  // namespace
}  // namespace bpfwarden::metrics
