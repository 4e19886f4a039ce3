#include "daemon/metrics/text_format.h"

#include "absl/time/time.h"
#include "daemon/metrics/api_stats.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bpfwarden::metrics {
namespace {

using ::testing::HasSubstr;

TEST(TextFormatTest, FamilyAndSamplesAreEscaped) {
  TextWriter out;
  out.Family("x_total", "a \\ help\nline", "counter");
  out.Sample("x_total", {{"a", "q\"uo\\te\nnl"}, {"b", ""}}, uint64_t{7});
  out.Sample("x_total", {}, 0.5);
  EXPECT_EQ(out.text(),
            "# HELP x_total a \\\\ help\\nline\n"
            "# TYPE x_total counter\n"
            "x_total{a=\"q\\\"uo\\\\te\\nnl\",b=\"\"} 7\n"
            "x_total 0.5\n");
}

TEST(TextFormatTest, ValuesAreExactOrSpecial) {
  auto text = [](double v) {
    std::string s;
    AppendValue(v, s);
    return s;
  };
  EXPECT_EQ(text(0), "0");
  EXPECT_EQ(text(-3), "-3");
  EXPECT_EQ(text(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(text(0.1), "0.1");
  EXPECT_EQ(text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(text(1e300), "1e+300");
  EXPECT_EQ(text(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(text(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(text(std::nan("")), "NaN");
  TextWriter out;
  out.Sample("big", {}, uint64_t{18446744073709551615u});
  EXPECT_EQ(out.text(), "big 18446744073709551615\n");
}

TEST(TextFormatTest, NamesAreChecked) {
  EXPECT_TRUE(ValidMetricName("bpfwarden_tcp_bytes_received_total"));
  EXPECT_TRUE(ValidMetricName("a:b_c9"));
  EXPECT_FALSE(ValidMetricName("9abc"));
  EXPECT_FALSE(ValidMetricName("a-b"));
  EXPECT_FALSE(ValidMetricName(""));
  EXPECT_TRUE(ValidLabelName("remote_addr"));
  EXPECT_FALSE(ValidLabelName("a:b"));
  EXPECT_FALSE(ValidLabelName("__name"));
}

TEST(ApiStatsTest, CountsAndHistogramsByMethodAndCode) {
  ApiStats stats({"/bpfwarden.v1.Maps/Lookup"});
  stats.RecordCall("/bpfwarden.v1.Maps/Lookup", 0, absl::Microseconds(300));
  stats.RecordCall("/bpfwarden.v1.Maps/Lookup", 0, absl::Seconds(2));
  stats.RecordCall("/bpfwarden.v1.Maps/Lookup", 5, absl::Milliseconds(1));
  stats.RecordCall("/x.Y/Z", 99, absl::Seconds(20));
  stats.RecordDenial(DenialClass::kWrite);
  TextWriter out;
  stats.Write(out);
  const std::string& t = out.text();
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_calls_total{method=\"Maps.Lookup\","
                           "code=\"OK\"} 2\n"));
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_calls_total{method=\"Maps.Lookup\","
                           "code=\"NOT_FOUND\"} 1\n"));
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_calls_total{method=\"other\","
                           "code=\"UNKNOWN\"} 1\n"));
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_call_duration_seconds_bucket{method="
                           "\"Maps.Lookup\",code=\"OK\",le=\"0.0005\"} 1\n"));
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_call_duration_seconds_bucket{method="
                           "\"Maps.Lookup\",code=\"OK\",le=\"1\"} 1\n"));
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_call_duration_seconds_bucket{method="
                           "\"Maps.Lookup\",code=\"OK\",le=\"+Inf\"} 2\n"));
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_call_duration_seconds_sum{method="
                           "\"Maps.Lookup\",code=\"OK\"} 2.000"));
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_denials_total{class=\"write\"} 1\n"));
  EXPECT_THAT(t, HasSubstr("bpfwarden_api_denials_total{class=\"read\"} 0\n"));
  EXPECT_EQ(ApiStats::ShortName("/grpc.health.v1.Health/Check"),
            "Health.Check");
}

}  // namespace
}  // namespace bpfwarden::metrics
