// The bpfwarden CLI against a real daemon: exit codes, JSON output, and
// each command reaching the kernel through the API.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {
namespace {

class CliTest : public ApiFixture {
 protected:
  void SetUp() override { StartDaemon("cli"); }

  // Runs bpfwarden with --socket pointing at the test's daemon.
  RunResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(),
                {Runfile("client/bpfwarden"),
                 absl::StrCat("--socket=", daemon_->socket_path())});
    absl::StatusOr<RunResult> result = RunProgram(args);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : RunResult{};
  }

  // Runs the command, expects exit 0 and returns stdout.
  std::string CliOk(const std::vector<std::string>& args) {
    RunResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0)
        << "bpfwarden " << absl::StrJoin(args, " ") << "\nstderr: " << r.err;
    return r.out;
  }
};

constexpr char kRuleKey[] = R"({"prefixlen": 104, "addr": "10.1.0.0"})";
constexpr char kRuleValue[] = R"({"rule_id": 7, "congestion": "reno"})";

TEST_F(CliTest, StatusAndMapsAreJson) {
  nlohmann::json status = nlohmann::json::parse(CliOk({"status"}));
  EXPECT_FALSE(status.at("version").get<std::string>().empty());
  EXPECT_EQ(status.at("program_sets"), 1);

  nlohmann::json maps = nlohmann::json::parse(CliOk({"maps", kSet}));
  std::vector<std::string> names;
  for (const auto& m : maps.at("maps")) names.push_back(m["ref"]["map"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "tcp_stats"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "tcp_tune_rules"),
            names.end());

  nlohmann::json map = nlohmann::json::parse(CliOk({"map", kSet, "tcp_stats"}));
  EXPECT_EQ(map.at("type"), "lru_hash");
  EXPECT_EQ(map.at("key_size"), 32);
  nlohmann::json layout =
      nlohmann::json::parse(map.at("key_layout").get<std::string>());
  EXPECT_EQ(layout.at("type"), "struct tcp_stats_key");
  EXPECT_EQ(layout.at("size"), 32);
}

TEST_F(CliTest, UpdateLookupDumpDelete) {
  CliOk({"update", kSet, "tcp_tune_rules", kRuleKey, kRuleValue, "--zero_fill",
         "--flag=noexist"});

  // The second NOEXIST is refused, with the code on stderr.
  RunResult again = Cli({"update", kSet, "tcp_tune_rules", kRuleKey, kRuleValue,
                         "--zero_fill", "--flag=noexist"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("ALREADY_EXISTS"), std::string::npos) << again.err;

  nlohmann::json entry = nlohmann::json::parse(
      CliOk({"lookup", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill"}));
  EXPECT_EQ(entry["key"]["addr"], "10.1.0.0");
  EXPECT_EQ(entry["value"]["rule_id"], 7);
  EXPECT_EQ(entry["value"]["congestion"], "reno");

  std::string dump = CliOk({"dump", kSet, "tcp_tune_rules", "-o", "jsonl"});
  std::vector<std::string> lines =
      absl::StrSplit(dump, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1u) << dump;
  EXPECT_EQ(nlohmann::json::parse(lines[0])["value"]["rule_id"], 7);

  CliOk({"delete", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill"});
  RunResult gone =
      Cli({"lookup", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("NOT_FOUND"), std::string::npos) << gone.err;
}

TEST_F(CliTest, RawHexKeysAndValues) {
  // tcp_tune_counter_key is one __u32; the counters map is a hash.
  RunResult missing =
      Cli({"lookup", kSet, "tcp_tune_counters", "07000000", "--raw"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("NOT_FOUND"), std::string::npos) << missing.err;

  RunResult short_key =
      Cli({"lookup", kSet, "tcp_tune_counters", "07", "--raw"});
  EXPECT_EQ(short_key.exit_code, 1);
  EXPECT_NE(short_key.err.find("INVALID_ARGUMENT"), std::string::npos)
      << short_key.err;

  RunResult not_hex = Cli({"lookup", kSet, "tcp_tune_counters", "zz", "--raw"});
  EXPECT_EQ(not_hex.exit_code, 1);
  EXPECT_NE(not_hex.err.find("not hex"), std::string::npos) << not_hex.err;
}

TEST_F(CliTest, BadInvocations) {
  RunResult unknown_map = Cli({"dump", kSet, "no_such_map"});
  EXPECT_EQ(unknown_map.exit_code, 3);  // not found
  EXPECT_NE(unknown_map.err.find("NOT_FOUND"), std::string::npos)
      << unknown_map.err;

  RunResult bad_flag = Cli({"update", kSet, "tcp_tune_rules", kRuleKey,
                            kRuleValue, "--flag=sometimes"});
  EXPECT_EQ(bad_flag.exit_code, 1);
  EXPECT_NE(bad_flag.err.find("--flag"), std::string::npos) << bad_flag.err;

  EXPECT_EQ(Cli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Cli({"lookup", kSet}).exit_code, 2);

  // The daemon is still serving.
  CliOk({"status"});
}

TEST_F(CliTest, LoadUploadsObjectsAndUnloadUnpins) {
  const std::string object = Runfile("bpf/bpfwarden.bpf.o");
  nlohmann::json loaded =
      nlohmann::json::parse(CliOk({"load", "cliset", object}));
  EXPECT_EQ(loaded["program_set"]["name"], "cliset");

  nlohmann::json sets = nlohmann::json::parse(CliOk({"sets"}));
  EXPECT_EQ(sets["program_sets"].size(), 2u);

  // The pins command reads bpffs directly: the new set's maps are there.
  const std::string set_pins = pins_->path() + "/cliset";
  std::string pinned = CliOk({"pins", "--pin_root=" + set_pins});
  EXPECT_NE(pinned.find(set_pins + "/tcp_stats"), std::string::npos) << pinned;

  CliOk({"unload", "cliset", "--unpin_maps"});
  std::string after = CliOk({"pins", "--pin_root=" + pins_->path()});
  EXPECT_EQ(after.find("/cliset/"), std::string::npos) << after;

  RunResult missing = Cli({"load", "other", "/nonexistent/x.bpf.o"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("NOT_FOUND"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace bpfwarden::testing
