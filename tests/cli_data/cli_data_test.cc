// The data commands end to end against a daemon with the builtin set
// attached to the test's cgroup: dump with filters and sort over real
// connections, a tcp_tune rule set, used and deleted, direct mode's output
// byte for byte the daemon's, watch and top.
#include <signal.h>
#include <stdlib.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_data/cli_data_fixture.h"
#include "tests/testing/kernel_env.h"

namespace bpfwarden::testing {
namespace {

using Json = nlohmann::json;

constexpr char kRuleKey[] = R"({"prefixlen": 104, "addr": "127.0.0.0"})";

std::vector<Json> JsonLines(const std::string& text) {
  std::vector<Json> out;
  for (const std::string& line : Lines(text)) out.push_back(Json::parse(line));
  return out;
}

TEST_F(CliDataTest, DumpFiltersAndSortsTheConnections) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartAndAttach("cli-data-dump");
  const uint16_t port = MakeTraffic(3, /*ipv6=*/true);
  ASSERT_NE(port, 0);

  // The client side of the IPv4 connections: one entry.
  std::vector<Json> initiated = JsonLines(Ok(Cli(
      {"dump", kSet, "tcp_stats", "-o", "jsonl", "--filter",
       "remote_addr=127.0.0.0/8", "--filter", "direction=TCP_STATS_INITIATED",
       "--filter", absl::StrCat("remote_port=", port)})));
  ASSERT_EQ(initiated.size(), 1u);
  EXPECT_EQ(initiated[0]["key"]["remote_addr"], "127.0.0.1");
  EXPECT_EQ(initiated[0]["value"]["active_opens"], 3);
  EXPECT_GE(initiated[0]["value"]["bytes_acked"].get<uint64_t>(), 3 * 4096u);

  // The server side, IPv6 only, by prefix.
  std::vector<Json> accepted = JsonLines(Ok(
      Cli({"dump", kSet, "tcp_stats", "-o", "jsonl", "--filter",
           "direction=TCP_STATS_ACCEPTED", "--filter", "remote_addr=::1/128",
           "--filter", "local_port>0"})));
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0]["key"]["remote_addr"], "::1");
  EXPECT_EQ(accepted[0]["value"]["passive_opens"], 3);

  // Sorted by bytes received, largest first; --top keeps the first two.
  std::vector<Json> all = JsonLines(
      Ok(Cli({"dump", kSet, "tcp_stats", "-o", "jsonl", "--sort",
              "bytes_received"})));
  ASSERT_GE(all.size(), 4u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_GE(all[i - 1]["value"]["bytes_received"].get<uint64_t>(),
              all[i]["value"]["bytes_received"].get<uint64_t>());
  }
  std::vector<Json> top = JsonLines(Ok(Cli({"dump", kSet, "tcp_stats", "-o",
                                            "jsonl", "--sort",
                                            "bytes_received", "--top", "2"})));
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0], all[0]);
  EXPECT_EQ(top[1], all[1]);
  EXPECT_EQ(Lines(Ok(Cli({"dump", kSet, "tcp_stats", "--limit", "1", "-o",
                          "jsonl"})))
                .size(),
            1u);

  // The table shows the connections by address, with BTF's column names.
  std::string table = Ok(Cli({"dump", kSet, "tcp_stats", "-o", "wide",
                              "--filter", "remote_addr=127.0.0.1"}));
  EXPECT_NE(table.find("key.remote_addr"), std::string::npos) << table;
  EXPECT_NE(table.find("127.0.0.1"), std::string::npos) << table;
  EXPECT_EQ(table.find("::1"), std::string::npos) << table;
}

TEST_F(CliDataTest, TuneRuleIsUsedByANewConnectionUntilDeleted) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartAndAttach("cli-data-tune");
  Ok(Cli({"update", kSet, "tcp_tune_rules", kRuleKey,
          R"({"rule_id": 7, "congestion": "reno"})", "--zero_fill"}));
  std::vector<Json> rules = JsonLines(Ok(Cli(
      {"dump", kSet, "tcp_tune_rules", "-o", "jsonl", "--filter", "rule_id=7"})));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0]["value"]["congestion"], "reno");

  MakeTraffic(2);
  const std::vector<std::string> filter = {
      "dump", kSet, "tcp_tune_counters", "-o", "jsonl", "--filter",
      "rule_id=7"};
  std::vector<Json> counters = JsonLines(Ok(Cli(filter)));
  ASSERT_EQ(counters.size(), 1u) << "no connection used rule 7";
  // Each loopback connection counts at both ends.
  EXPECT_EQ(counters[0]["value"]["matched"], 4);
  EXPECT_EQ(counters[0]["value"]["congestion_set"], 4);

  Ok(Cli({"delete", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill"}));
  EXPECT_TRUE(Lines(Ok(Cli({"dump", kSet, "tcp_tune_rules", "-o", "jsonl"})))
                  .empty());
  MakeTraffic(2);
  EXPECT_EQ(JsonLines(Ok(Cli(filter))), counters)
      << "a connection used the deleted rule";
}

TEST_F(CliDataTest, DirectModePrintsTheDaemonsBytes) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartAndAttach("cli-data-direct");
  const bool tags = KernelHasDeclTags();
  Ok(Cli({"update", kSet, "tcp_tune_rules", kRuleKey,
          R"({"rule_id": 7, "congestion": "reno"})", "--zero_fill"}));
  MakeTraffic(2, /*ipv6=*/true);
  const std::string pin = pins_->path() + "/" + kSet + "/tcp_stats";
  for (const char* map : {"tcp_stats", "tcp_tune_rules", "tcp_tune_counters"}) {
    for (const char* format : {"jsonl", "json", "table", "wide", "raw"}) {
      SCOPED_TRACE(absl::StrCat(map, " -o ", format));
      const std::vector<std::string> args = {"dump", kSet, map, "-o", format};
      const std::string daemon = Ok(Cli(args));
      EXPECT_FALSE(daemon.empty());
      const std::string direct = Ok(Direct(args));
      if (tags || format == std::string("raw") ||
          map == std::string("tcp_tune_counters")) {
        EXPECT_EQ(direct, daemon);
      } else {
        // Before Linux 5.16 the kernel's BTF has no decl tags: without the
        // daemon (which has the loaded object's BTF) the CLI cannot tell an
        // address from other bytes and prints them as bytes.
        EXPECT_NE(direct.find("[0,0,0,0,"), std::string::npos) << direct;
      }
    }
  }
  const std::vector<std::string> query = {
      "--filter", "remote_addr=127.0.0.0/8", "--sort", "bytes_acked", "-o",
      "jsonl"};
  std::vector<std::string> by_name = {"dump", kSet, "tcp_stats"};
  by_name.insert(by_name.end(), query.begin(), query.end());
  std::vector<std::string> by_pin = {"dump", pin};
  by_pin.insert(by_pin.end(), query.begin(), query.end());
  const std::string daemon = Ok(Cli(by_name));
  EXPECT_EQ(Lines(daemon).size(), 2u) << daemon;
  if (!tags) {  // no address to compare a prefix with: refused clearly
    for (const auto& args : {by_name, by_pin}) {
      RunResult refused = Direct(args);
      EXPECT_EQ(refused.exit_code, 2) << refused.err;
      EXPECT_NE(refused.err.find("key.remote_addr is an array"),
                std::string::npos)
          << refused.err;
    }
  } else {
    EXPECT_EQ(Ok(Direct(by_name)), daemon);
    EXPECT_EQ(Ok(Direct(by_pin)), daemon);
  }
  // The daemon takes its own pin path too (under --pin_root).
  by_pin.push_back("--pin_root=" + pins_->path());
  EXPECT_EQ(Ok(Cli(by_pin)), daemon);
}

TEST_F(CliDataTest, WatchReportsAddedChangedAndRemoved) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartAndAttach("cli-data-watch");
  absl::StatusOr<RunningProgram> watch = StartWatch(
      std::nullopt,
      CliArgv({"watch", kSet, "tcp_tune_rules", "-o", "jsonl", "-n", "0.25"}));
  ASSERT_TRUE(watch.ok()) << watch.status();
  // Each change waits for the watch to report the one before, so no two
  // fall into one round.
  Ok(Cli({"update", kSet, "tcp_tune_rules", kRuleKey,
          R"({"rule_id": 7, "congestion": "reno"})", "--zero_fill"}));
  AwaitEvents(*watch, 1);
  Ok(Cli({"update", kSet, "tcp_tune_rules", kRuleKey,
          R"({"rule_id": 8, "congestion": "reno"})", "--zero_fill"}));
  AwaitEvents(*watch, 2);
  Ok(Cli({"delete", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill"}));
  AwaitEvents(*watch, 3);
  ASSERT_TRUE(watch->Signal(SIGINT).ok());  // Ctrl-C: a clean end
  absl::StatusOr<RunResult> watched = watch->Finish();
  ASSERT_TRUE(watched.ok()) << watched.status();
  ASSERT_EQ(watched->exit_code, 0) << watched->err;
  std::vector<Json> events;
  for (const std::string& line : WatchEvents(watched->out)) {
    events.push_back(Json::parse(line));
  }
  ASSERT_EQ(events.size(), 3u) << watched->out;
  EXPECT_EQ(events[0]["event"], "added");
  EXPECT_EQ(events[0]["key"]["addr"], "127.0.0.0");
  EXPECT_EQ(events[0]["value"]["rule_id"], 7);
  EXPECT_EQ(events[1]["event"], "changed");
  EXPECT_EQ(events[1]["changes"],
            Json::parse(R"({"value.rule_id": {"old": 7, "new": 8}})"));
  EXPECT_EQ(events[2]["event"], "removed");
  EXPECT_EQ(events[2]["value"]["rule_id"], 8);
}

TEST_F(CliDataTest, TopRanksByValueAndRateEitherWay) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartAndAttach("cli-data-top");
  MakeTraffic(2, /*ipv6=*/true);
  // Not a terminal: the width to fit is $COLUMNS.
  setenv("COLUMNS", "200", 1);
  const std::vector<std::string> args = {
      "top", kSet, "tcp_stats", "--sort", "bytes_received", "--top", "2",
      "--iterations", "2", "-n", "0.2"};
  for (bool direct : {false, true}) {
    SCOPED_TRACE(direct ? "direct" : "daemon");
    std::string out = Ok(direct ? Direct(args) : Cli(args));
    // Two screens, each a header and a table of two rows.
    EXPECT_EQ(Lines(out).size(), 2u * 4u) << out;
    EXPECT_NE(out.find("top 2 by value.bytes_received"), std::string::npos)
        << out;
  }
  std::vector<std::string> rate = args;
  rate.push_back("--rate");
  std::string out = Ok(Cli(rate));
  EXPECT_NE(out.find("bytes_received/s"), std::string::npos) << out;
}

}  // namespace
}  // namespace bpfwarden::testing
