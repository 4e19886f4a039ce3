// The /metrics endpoint scraped by a real Prometheus: TCP traffic from a
// test cgroup lands in tcp_stats, and Prometheus's own query API finds the
// exact bpfwarden_tcp_bytes_received_total series with the right labels
// and value. Also: promtool accepts the text, API calls are counted, and a
// configuration naming a field that does not exist is refused at start and
// at SIGHUP (the running metrics stay).
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/metrics/metrics_fixture.h"
#include "tests/metrics/prometheus_server.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

constexpr size_t kBytes = 12345;  // server -> client

std::string MetricConfig(const std::string& labels) {
  return absl::StrCat(
      "program_sets { name: \"bpfwarden\" builtin: true }\n"
      "metrics {\n"
      "  program_set: \"bpfwarden\" map: \"tcp_stats\"\n"
      "  name: \"bpfwarden_tcp_bytes_received_total\" type: COUNTER\n"
      "  value: \"bytes_received\"\n"
      "  labels: [",
      labels,
      "]\n"
      "  label_decoders { field: \"cgroup_id\" as: CGROUP_PATH }\n"
      "  max_series: 5000\n"
      "}\n");
}

constexpr char kLabels[] = "\"remote_addr\", \"remote_port\", \"cgroup_id\"";

// A listener in this process (outside the cgroup); a client in `cgroup`
// connects, reads kBytes until the server closes, and closes. The
// client's tcp_stats entry (initiated, remote_port = the listener's port)
// then holds bytes_received = kBytes + 1 (the server's FIN).
absl::StatusOr<uint16_t> ServerSendsToClientIn(const ScopedCgroup& cgroup) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(sa);
  if (!listener ||
      ::bind(listener.get(), reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) ||
      ::listen(listener.get(), 1) ||
      ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&sa), &len)) {
    return ErrnoStatus(errno, "listen on loopback");
  }
  const uint16_t port = ntohs(sa.sin_port);
  absl::Status served;
  std::thread server([&] {
    UniqueFd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) {
      served = ErrnoStatus(errno, "accept");
      return;
    }
    const std::string data(kBytes, 'x');
    if (::send(conn.get(), data.data(), data.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(data.size())) {
      served = ErrnoStatus(errno, "send");
    }
  });
  absl::Status client = RunInCgroup(cgroup, [port]() -> absl::Status {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!fd || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&to),
                         sizeof(to)) != 0) {
      return ErrnoStatus(errno, "connect");
    }
    size_t got = 0;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd.get(), buf, sizeof(buf), 0)) != 0;) {
      if (n < 0) return ErrnoStatus(errno, "recv");
      got += n;
    }
    if (got != kBytes) {
      return absl::DataLossError(absl::StrCat("received ", got, " bytes"));
    }
    return absl::OkStatus();
  });
  server.join();
  if (!client.ok()) return client;
  if (!served.ok()) return served;
  return port;
}

class PrometheusTest : public MetricsFixture {};

bool BpfStatsEnabledNow() {
  std::ifstream in("/proc/sys/kernel/bpf_stats_enabled");
  int value = 0;
  return static_cast<bool>(in >> value) && value != 0;
}

TEST_F(PrometheusTest, RealPrometheusFindsTheExactTcpSeries) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartWithMetrics("metrics-prom", MetricConfig(kLabels));
  ASSERT_FALSE(HasFatalFailure());
  v1::AttachResponse attached;
  grpc::Status att = Attach(kSet, "tcp_stats_sockops", &attached);
  ASSERT_TRUE(att.ok()) << att.error_message();

  absl::StatusOr<uint16_t> port = ServerSendsToClientIn(*cgroup_);
  ASSERT_TRUE(port.ok()) << port.status();
  const std::string cgroup_path =
      cgroup_->path().substr(Cgroup2Mount().size());
  const std::string series = absl::StrCat(
      "bpfwarden_tcp_bytes_received_total{remote_addr=\"127.0.0.1\","
      "remote_port=\"",
      *port, "\",cgroup_id=\"", cgroup_path, "\"}");

  // The daemon's own text first: the series, exactly.
  absl::StatusOr<double> direct = absl::NotFoundError("not scraped");
  absl::Status scraped;
  WaitFor(
      [&] {
        absl::StatusOr<std::string> text = Scrape();
        scraped = text.status();
        if (!text.ok()) return true;
        direct = SampleValue(*text, series);
        return direct.ok() && *direct == kBytes + 1;
      },
      20, 100);
  ASSERT_TRUE(scraped.ok()) << scraped;
  ASSERT_TRUE(direct.ok()) << direct.status();
  EXPECT_EQ(*direct, kBytes + 1);

  absl::StatusOr<std::unique_ptr<PrometheusServer>> prometheus =
      PrometheusServer::Start(metrics_port_);
  ASSERT_TRUE(prometheus.ok()) << prometheus.status();
  const std::string query = absl::StrCat(
      "bpfwarden_tcp_bytes_received_total{remote_port=\"", *port, "\"}");
  nlohmann::json result;
  absl::Status queried;
  WaitFor(
      [&] {
        absl::StatusOr<nlohmann::json> r = (*prometheus)->Query(query);
        queried = r.status();
        if (r.ok()) result = *r;
        return !r.ok() || !result.empty();
      },
      60, 500);
  ASSERT_TRUE(queried.ok()) << queried;
  ASSERT_EQ(result.size(), 1u) << result.dump() << "\n" << (*prometheus)->Log();
  const nlohmann::json& metric = result[0]["metric"];
  EXPECT_EQ(metric["__name__"], "bpfwarden_tcp_bytes_received_total");
  EXPECT_EQ(metric["remote_addr"], "127.0.0.1");
  EXPECT_EQ(metric["remote_port"], absl::StrCat(*port));
  EXPECT_EQ(metric["cgroup_id"], cgroup_path);
  EXPECT_EQ(metric["job"], "bpfwarden");
  EXPECT_EQ(metric["instance"], absl::StrCat("127.0.0.1:", metrics_port_));
  EXPECT_EQ(metric.size(), 6u) << metric.dump();
  EXPECT_EQ(result[0]["value"][1], absl::StrCat(kBytes + 1));

  // Prometheus saw the daemon's own metrics too: the Attach call above.
  absl::StatusOr<nlohmann::json> calls = (*prometheus)->Query(
      "bpfwarden_api_calls_total{method=\"Attachments.Attach\",code=\"OK\"}");
  ASSERT_TRUE(calls.ok()) << calls.status();
  ASSERT_EQ(calls->size(), 1u) << calls->dump();
  EXPECT_EQ((*calls)[0]["value"][1], "1");
}

TEST_F(PrometheusTest, PromtoolAcceptsTheText) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartWithMetrics("metrics-promtool", MetricConfig(kLabels));
  ASSERT_FALSE(HasFatalFailure());
  v1::AttachResponse attached;
  ASSERT_TRUE(Attach(kSet, "tcp_stats_sockops", &attached).ok());
  ASSERT_TRUE(RunTcpExchangeIn(*cgroup_, {AF_INET, 3, 100}).ok());
  // A denied call and a failed one, so that those families have samples.
  std::string value;
  EXPECT_FALSE(Lookup("no_such_map", "{}", &value).ok());
  absl::StatusOr<std::string> text = Scrape();
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_GT(CountSamples(*text, "bpfwarden_tcp_bytes_received_total"), 0u)
      << *text;
  EXPECT_GT(CountSamples(*text, "bpfwarden_api_call_duration_seconds_bucket"),
            0u);
  EXPECT_THAT(*text, HasSubstr("bpfwarden_build_info{version=\""));
  EXPECT_THAT(*text, HasSubstr("bpfwarden_bpf_stats_enabled "));
  absl::Status checked = PromtoolCheckMetrics(*text);
  EXPECT_TRUE(checked.ok()) << checked << "\n" << *text;
}

// A cgroup may be named with any bytes but '/' and NUL; the text format
// wants UTF-8. Each invalid sequence of the name becomes U+FFFD.
TEST_F(PrometheusTest, ACgroupNamedWithInvalidUtf8GivesValidText) {
  BPFWARDEN_REQUIRE_KERNEL();
  fresh_scrapes_ = false;
  StartWithMetrics("metrics-utf8", MetricConfig(kLabels));
  ASSERT_FALSE(HasFatalFailure());
  // \xff and \xfe are never UTF-8; \xc3 wants a continuation byte, not
  // '('; \xc3\xa9 is e-acute, valid, and stays.
  absl::StatusOr<ScopedCgroup> odd =
      ScopedCgroup::Create("utf8-\xff\xfe-\xc3(-\xc3\xa9");
  ASSERT_TRUE(odd.ok()) << odd.status();
  const std::string key = absl::StrCat(
      R"({"family":2,"remote_port":443,"remote_addr":"10.1.2.3","cgroup_id":)",
      odd->id(), "}");
  grpc::Status updated = Update("tcp_stats", key, R"({"bytes_received":4242})");
  ASSERT_TRUE(updated.ok()) << updated.error_message();

  absl::StatusOr<std::string> text = Scrape();
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string kFffd = "\xef\xbf\xbd";
  const std::string label =
      absl::StrCat("cgroup_id=\"/bpfwarden-test-utf8-", kFffd, kFffd, "-",
                   kFffd, "(-\xc3\xa9-", ::getpid(), "\"} 4242\n");
  EXPECT_THAT(*text, HasSubstr(label)) << *text;
  absl::Status checked = PromtoolCheckMetrics(*text);
  EXPECT_TRUE(checked.ok()) << checked << "\n" << *text;
}

// BPF_ENABLE_STATS turns the kernel's run statistics on while its FD is
// open, and off again when the test closes it (the sysctl
// kernel.bpf_stats_enabled does not show it: the daemon reports the sysctl
// and always reads the counters).
TEST_F(PrometheusTest, ProgramRunsAreCountedWhileBpfStatsAreOn) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartWithMetrics("metrics-stats", MetricConfig(kLabels));
  ASSERT_FALSE(HasFatalFailure());
  v1::AttachResponse attached;
  ASSERT_TRUE(Attach(kSet, "tcp_stats_sockops", &attached).ok());
  const std::string labels =
      "{program_set=\"bpfwarden\",program=\"tcp_stats_sockops\"}";
  auto runs = [&]() -> absl::StatusOr<double> {
    absl::StatusOr<std::string> text = Scrape();
    if (!text.ok()) return text.status();
    return SampleValue(*text, "bpfwarden_program_runs_total" + labels);
  };
  absl::StatusOr<double> before = runs();
  ASSERT_TRUE(before.ok()) << before.status();
  {
    UniqueFd stats(bpf_enable_stats(BPF_STATS_RUN_TIME));
    ASSERT_TRUE(stats) << "BPF_ENABLE_STATS: errno " << errno;
    ASSERT_TRUE(RunTcpExchangeIn(*cgroup_, {AF_INET, 2, 100}).ok());
    absl::StatusOr<std::string> text = Scrape();
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<double> during =
        SampleValue(*text, "bpfwarden_program_runs_total" + labels);
    ASSERT_TRUE(during.ok()) << during.status() << "\n" << *text;
    EXPECT_GT(*during, *before);
    absl::StatusOr<double> seconds =
        SampleValue(*text, "bpfwarden_program_run_seconds_total" + labels);
    ASSERT_TRUE(seconds.ok()) << seconds.status();
    EXPECT_GT(*seconds, 0);
  }
  if (BpfStatsEnabledNow()) {
    GTEST_SUCCEED() << "kernel.bpf_stats_enabled is on system-wide: the "
                       "off case was not seen";
    return;
  }
  absl::StatusOr<double> off_before = runs();
  ASSERT_TRUE(RunTcpExchangeIn(*cgroup_, {AF_INET, 2, 100}).ok());
  absl::StatusOr<std::string> text = Scrape();
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("bpfwarden_bpf_stats_enabled 0\n"));
  EXPECT_THAT(*text, HasSubstr("sysctl -w kernel.bpf_stats_enabled=1"));
  EXPECT_EQ(SampleValue(*text, "bpfwarden_program_runs_total" + labels)
                .value_or(-1),
            off_before.value_or(-2));
}

TEST_F(PrometheusTest, UnknownFieldPathsAreRefusedAtReloadAndAtStart) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartWithMetrics("metrics-refuse", MetricConfig(kLabels));
  ASSERT_FALSE(HasFatalFailure());
  absl::Status reload = daemon_->Reload(
      MetricConfig("\"remote_addr\", \"remote_prt\", \"cgroup_id\""),
      "reload refused");
  ASSERT_TRUE(reload.ok()) << reload << daemon_->Log();
  EXPECT_THAT(daemon_->Log(),
              HasSubstr("label field path \"remote_prt\": key (struct "
                        "tcp_stats_key) has no member \"remote_prt\""));
  // The running metric stays, with its labels.
  absl::StatusOr<std::string> text = Scrape();
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("bpfwarden_map_metric_up{metric=\""
                               "bpfwarden_tcp_bytes_received_total\"} 1"));

  // A daemon started on it does not start, and says why.
  DaemonOptions options;
  auto pins = ScopedPinDir::Create("metrics-refuse-2");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto work = ScopedTempDir::Create("metrics-refuse-2");
  ASSERT_TRUE(work.ok()) << work.status();
  options.pin_root = pins->path();
  options.work_dir = work->path();
  options.config = absl::StrCat(
      "program_sets { name: \"bpfwarden\" builtin: true }\n"
      "metrics { program_set: \"bpfwarden\" map: \"tcp_stats\" name: \"x\" "
      "type: GAUGE value: \"rtt.srtt_us\" }\n");
  absl::StatusOr<std::unique_ptr<ApiDaemon>> bad = ApiDaemon::Start(options);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("metric \"x\" (map bpfwarden/tcp_stats): value field "
                        "path \"rtt.srtt_us\": value (struct tcp_stats_value) "
                        "has no member \"rtt\""));
}

}  // namespace
}  // namespace bpfwarden::testing
