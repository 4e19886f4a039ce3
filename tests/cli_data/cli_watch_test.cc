// `bpfwarden watch` over the daemon's Maps.Watch stream: the daemon's own
// interval bounds apply (a dump-diffing watch has none, as --direct shows),
// and a caller that policy lets READ the map, not root, watches its changes.
// The watches run until the test has seen its events, then end on Ctrl-C.
#include <signal.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_data/cli_data_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/time_scale.h"

namespace bpfwarden::testing {
namespace {

using Json = nlohmann::json;

constexpr int kUsage = 2;
constexpr char kMap[] = "tcp_tune_rules";
constexpr char kRuleKey[] = R"({"prefixlen": 104, "addr": "127.0.0.0"})";

TEST_F(CliDataTest, WatchOverTheDaemonIsBoundedByMapsWatch) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("cli-watch-bounds"));
  // The daemon's Maps.Watch refuses 50 ms and 601 s: one line, usage code.
  for (const char* seconds : {"0.05", "601"}) {
    SCOPED_TRACE(seconds);
    RunResult r =
        Cli({"watch", kSet, kMap, "-n", seconds, "--iterations", "2"});
    EXPECT_EQ(r.exit_code, kUsage) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("is outside [100ms, 10m]"), std::string::npos)
        << r.err;
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  }
  // Diffing dumps here (--direct) knows no such bounds.
  RunResult direct =
      Direct({"watch", kSet, kMap, "-n", "0.05", "--iterations", "2"});
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_NE(direct.out.find(" watching bpfwarden/tcp_tune_rules: 0 entries"),
            std::string::npos)
      << direct.out;
}

TEST_F(CliDataTest, WatchWorksForACallerPolicyLetsRead) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("cli-watch-nobody", R"pb(
    policy {
      program_set: "bpfwarden"
      map: "tcp_tune_rules"
      principals: "uid:65534"
      allow: READ
    }
  )pb"));
  const std::string cli = work_->path() + "/bpfwarden";
  ASSERT_TRUE(CopyExecutable(Runfile("client/bpfwarden"), cli).ok());
  absl::StatusOr<RunningProgram> watch =
      StartWatch(Credentials{.uid = 65534, .gid = 65534, .groups = {}},
                 {cli, "--socket=" + daemon_->socket_path(), "watch", kSet,
                  kMap, "-o", "jsonl", "-n", "0.2"});
  ASSERT_TRUE(watch.ok()) << watch.status();
  // Each change waits for the watch to report the one before, so the two
  // do not fall into one round.
  Ok(Cli({"update", kSet, kMap, kRuleKey,
          R"({"rule_id": 3, "congestion": "reno"})", "--zero_fill"}));
  AwaitEvents(*watch, 1);
  Ok(Cli({"update", kSet, kMap, kRuleKey,
          R"({"rule_id": 4, "congestion": "reno"})", "--zero_fill"}));
  AwaitEvents(*watch, 2);
  ASSERT_TRUE(watch->Signal(SIGINT).ok());  // Ctrl-C: a clean end
  absl::StatusOr<RunResult> watched = watch->Finish();
  ASSERT_TRUE(watched.ok()) << watched.status();
  ASSERT_EQ(watched->exit_code, 0) << watched->err;
  std::vector<std::string> lines = WatchEvents(watched->out);
  ASSERT_EQ(lines.size(), 2u) << watched->out;
  Json added = Json::parse(lines[0]), changed = Json::parse(lines[1]);
  EXPECT_EQ(added["event"], "added");
  EXPECT_EQ(added["key"]["addr"], "127.0.0.0");
  EXPECT_EQ(added["value"]["rule_id"], 3);
  EXPECT_EQ(changed["event"], "changed");
  EXPECT_EQ(changed["changes"],
            Json::parse(R"({"value.rule_id": {"old": 3, "new": 4}})"));
  // And nobody is unprivileged indeed: no rule lets it write.
  absl::StatusOr<RunResult> write =
      RunAs({.uid = 65534, .gid = 65534, .groups = {}},
            {cli, "--socket=" + daemon_->socket_path(), "delete", kSet, kMap,
             kRuleKey, "--zero_fill"});
  ASSERT_TRUE(write.ok()) << write.status();
  EXPECT_NE(write->exit_code, 0) << write->out;
}

}  // namespace
}  // namespace bpfwarden::testing
