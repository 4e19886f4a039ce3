// The bpfwarden CLI against a real daemon: each command reaching the kernel
// through the API, in the human and the script formats.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/core/kernel_probes.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_fixture.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using CliTest = CliFixture;

constexpr char kRuleKey[] = R"({"prefixlen": 104, "addr": "10.1.0.0"})";
constexpr char kRuleValue[] = R"({"rule_id": 7, "congestion": "reno"})";

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

size_t Columns(const std::string& line) {
  size_t width = 0;
  for (char c : line) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

TEST_F(CliTest, StatusIsOneScreenAndJsonOnRequest) {
  const std::string screen = CliOk({"status"});
  EXPECT_TRUE(absl::StartsWith(screen, "bpfwardend")) << screen;
  for (const char* part : {"uptime", "features", "failures    none",
                           "tcp_stats_sockops", "tcp_stats ", "/16384"}) {
    EXPECT_NE(screen.find(part), std::string::npos) << part << "\n" << screen;
  }
  EXPECT_LT(Lines(screen).size(), 30u) << screen;
  for (const std::string& line : Lines(screen)) EXPECT_LE(Columns(line), 80u);

  nlohmann::json status = nlohmann::json::parse(CliOk({"status", "-o", "json"}));
  EXPECT_FALSE(status.at("version").get<std::string>().empty());
  EXPECT_EQ(status.at("program_sets"), 1);
  EXPECT_FALSE(status.at("kernel_features").empty());
}

TEST_F(CliTest, MapsAndTheLayoutView) {
  const std::string maps = CliOk({"maps", kSet});
  EXPECT_NE(maps.find("tcp_stats"), std::string::npos) << maps;
  EXPECT_NE(maps.find("lru_hash"), std::string::npos) << maps;

  nlohmann::json list =
      nlohmann::json::parse(CliOk({"maps", kSet, "-o", "json"}));
  std::vector<std::string> names;
  for (const auto& m : list.at("maps")) names.push_back(m["ref"]["map"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "tcp_tune_rules"),
            names.end());

  const std::string view = CliOk({"map", kSet, "tcp_stats"});
  for (const char* part :
       {"type         lru_hash", "max entries  16384", "entries      0/16384",
        "pin path     " , "struct tcp_stats_key {",
        "remote_addr[16];", "/*     8    16 */ address",
        "enum tcp_stats_direction", "struct tcp_stats_value {",
        "/* size: 88 */"}) {
    EXPECT_NE(view.find(part), std::string::npos) << part << "\n" << view;
  }
  EXPECT_NE(view.find(pins_->path()), std::string::npos) << view;

  nlohmann::json map =
      nlohmann::json::parse(CliOk({"map", kSet, "tcp_stats", "-o", "json"}));
  EXPECT_EQ(map.at("type"), "lru_hash");
  EXPECT_EQ(map.at("key_size"), 32);
}

TEST_F(CliTest, DumpShowsTheConnectionsAsATable) {
  const std::string attached =
      CliOk({"attach", kSet, "tcp_stats_sockops", cgroup_->path()});
  EXPECT_TRUE(absl::StartsWith(
      attached, absl::StrCat("attached bpfwarden/tcp_stats_sockops to ",
                             cgroup_->path(), " as cgroup_sock_ops (att-")))
      << attached;
  auto exchange = RunTcpExchangeIn(
      *cgroup_, {.connections = 3, .bytes_per_connection = 4000});
  ASSERT_TRUE(exchange.ok()) << exchange.status();
  const std::string port = absl::StrCat(exchange->server_port);

  // Both ends of the connections: ACCEPTED on the server port, INITIATED to
  // it, each with 3 connections.
  std::string table;
  ASSERT_TRUE(WaitFor([&] {
    table = CliOk({"dump", kSet, "tcp_stats"});
    return Lines(table).size() == 3;
  })) << table;
  const std::vector<std::string> lines = Lines(table);
  EXPECT_TRUE(absl::StartsWith(lines[0], "family  direction  local_port")) << table;
  EXPECT_NE(table.find("ACCEPTED"), std::string::npos) << table;
  EXPECT_NE(table.find("INITIATED"), std::string::npos) << table;
  EXPECT_NE(table.find("127.0.0.1"), std::string::npos) << table;
  EXPECT_NE(table.find(port), std::string::npos) << table;
  for (const std::string& line : lines) EXPECT_LE(Columns(line), 80u) << line;

  // wide: every field, full names, bare numbers.
  const std::string wide = CliOk({"dump", kSet, "tcp_stats", "-o", "wide"});
  EXPECT_NE(wide.find("key.remote_addr"), std::string::npos) << wide;
  EXPECT_NE(wide.find("value.bytes_received"), std::string::npos) << wide;
  EXPECT_NE(wide.find("TCP_STATS_ACCEPTED"), std::string::npos) << wide;
  EXPECT_EQ(wide.find(','), std::string::npos) << wide;

  // jsonl: the API's form, one entry a line; json: one document.
  uint64_t received = 0;
  for (const std::string& line :
       Lines(CliOk({"dump", kSet, "tcp_stats", "-o", "jsonl"}))) {
    nlohmann::json entry = nlohmann::json::parse(line);
    EXPECT_EQ(entry["key"]["remote_addr"], "127.0.0.1");
    if (entry["key"]["direction"] == "TCP_STATS_ACCEPTED") {
      received += entry["value"]["bytes_received"].get<uint64_t>();
    }
  }
  EXPECT_GE(received, 3u * 4000) << "the server received the bytes sent";
  nlohmann::json document =
      nlohmann::json::parse(CliOk({"dump", kSet, "tcp_stats", "-o", "json"}));
  EXPECT_EQ(document.size(), 2u);
}

TEST_F(CliTest, UpdateLookupDumpDelete) {
  EXPECT_EQ(CliOk({"update", kSet, "tcp_tune_rules", kRuleKey, kRuleValue,
                   "--zero_fill", "--flag=noexist"}),
            "updated 1 entry in bpfwarden/tcp_tune_rules\n");

  ExpectError({"update", kSet, "tcp_tune_rules", kRuleKey, kRuleValue,
               "--zero_fill", "--flag=noexist"},
              1, "ALREADY_EXISTS");

  nlohmann::json entry = nlohmann::json::parse(CliOk(
      {"lookup", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill", "-o", "jsonl"}));
  EXPECT_EQ(entry["key"]["addr"], "10.1.0.0");
  EXPECT_EQ(entry["value"]["rule_id"], 7);
  EXPECT_EQ(entry["value"]["congestion"], "reno");

  const std::string table = CliOk({"dump", kSet, "tcp_tune_rules"});
  ASSERT_EQ(Lines(table).size(), 2u) << table;
  EXPECT_NE(table.find("10.1.0.0"), std::string::npos) << table;
  EXPECT_NE(table.find("reno"), std::string::npos) << table;

  CliOk({"delete", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill"});
  ExpectError({"lookup", kSet, "tcp_tune_rules", kRuleKey, "--zero_fill"}, 3,
              "NOT_FOUND");
}

TEST_F(CliTest, RawHexKeysAndValues) {
  ExpectError({"lookup", kSet, "tcp_tune_counters", "07000000", "--raw"}, 3,
              "NOT_FOUND");
  ExpectError({"lookup", kSet, "tcp_tune_counters", "07", "--raw"}, 2,
              "INVALID_ARGUMENT");
  ExpectError({"lookup", kSet, "tcp_tune_counters", "zz", "--raw"}, 2,
              "not hex");
  CliOk({"update", kSet, "tcp_tune_counters", "07000000",
         std::string(80, '0'), "--raw"});
  EXPECT_EQ(CliOk({"dump", kSet, "tcp_tune_counters", "-o", "raw"}),
            absl::StrCat("{\"key\":\"07000000\",\"value\":\"",
                         std::string(80, '0'), "\"}\n"));
}

TEST_F(CliTest, GlobalVariablesAreRowsOfTheirSection) {
  nlohmann::json list = nlohmann::json::parse(CliOk({"maps", kSet, "-o", "json"}));
  std::string rodata;
  for (const auto& m : list.at("maps")) {
    if (m.value("internal", false) &&
        absl::EndsWith(m["ref"]["map"].get<std::string>(), ".rodata")) {
      rodata = m["ref"]["map"];
    }
  }
  ASSERT_FALSE(rodata.empty()) << list.dump();
  const std::string table = CliOk({"lookup", kSet, rodata});
  EXPECT_TRUE(absl::StartsWith(table, "VARIABLE")) << table;
  EXPECT_NE(table.find("tcp_stats_flush_interval_ms"), std::string::npos)
      << table;
}

TEST_F(CliTest, LoadUploadsObjectsAndUnloadUnpins) {
  // The shipped object as this kernel verifies it: without cmpxchg before
  // 5.12 (the daemon's probe decides, as for its builtin set).
  const std::string object = Runfile(ProbeAtomicCmpxchg().ok()
                                         ? "bpf/bpfwarden.bpf.o"
                                         : "bpf/bpfwarden_compat.bpf.o");
  nlohmann::json loaded =
      nlohmann::json::parse(CliOk({"load", "cliset", object, "-o", "json"}));
  EXPECT_EQ(loaded["program_set"]["name"], "cliset");

  const std::string sets = CliOk({"sets"});
  EXPECT_TRUE(absl::StartsWith(sets, "NAME")) << sets;
  EXPECT_EQ(Lines(sets).size(), 3u) << sets;

  // pins reads bpffs directly: full names, type names, entry counts.
  const std::string set_pins = pins_->path() + "/cliset";
  const std::string pinned =
      CliOk({"pins", "--pin_root=" + set_pins, "-o", "wide"});
  EXPECT_NE(pinned.find(set_pins + "/tcp_stats"), std::string::npos) << pinned;
  EXPECT_NE(pinned.find("tcp_tune_counters "), std::string::npos) << pinned;
  EXPECT_NE(pinned.find("lru_hash"), std::string::npos) << pinned;
  for (const std::string& line :
       Lines(CliOk({"pins", "--pin_root=" + set_pins, "-o", "jsonl"}))) {
    nlohmann::json pin = nlohmann::json::parse(line);
    if (pin["name"] != "tcp_stats") continue;
    EXPECT_EQ(pin["type"], "lru_hash") << line;
    EXPECT_EQ(pin["entries"], 0) << line;
    EXPECT_GT(pin["memlock"].get<uint64_t>(), 0u) << line;
  }

  EXPECT_EQ(CliOk({"unload", "cliset", "--unpin_maps"}),
            "unloaded cliset and unpinned its maps\n");
  std::string after = CliOk({"pins", "--pin_root=" + pins_->path(), "-o", "wide"});
  EXPECT_EQ(after.find("/cliset/"), std::string::npos) << after;
}

TEST_F(CliTest, HelpManAndCompletionComeFromOneSource) {
  const std::string help = CliOk({"--help"});
  const std::string man = CliOk({"man"});
  const std::string completion = CliOk({"completion", "bash"});
  for (const char* command : {"status", "dump", "map", "pins", "attach"}) {
    EXPECT_NE(help.find(absl::StrCat("\n  ", command)), std::string::npos)
        << command;
    EXPECT_NE(man.find(absl::StrCat(".B ", command)), std::string::npos)
        << command;
    EXPECT_NE(completion.find(absl::StrCat(command, ")")), std::string::npos)
        << command;
    const std::string one = CliOk({command, "--help"});
    EXPECT_NE(one.find("Example:\n  bpfwarden "), std::string::npos) << one;
    EXPECT_NE(one.find("5  daemon unreachable"), std::string::npos) << one;
  }
  EXPECT_NE(help.find("3  not found"), std::string::npos) << help;
  EXPECT_NE(man.find(".SH EXIT STATUS"), std::string::npos);
  EXPECT_NE(completion.find("complete -F _bpfwarden bpfwarden"),
            std::string::npos);
}

}  // namespace
}  // namespace bpfwarden::testing
