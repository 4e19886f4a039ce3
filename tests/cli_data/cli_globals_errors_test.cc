// globals (typed, by section; --set on .bss and .data; .rodata refused),
// direct mode's read-only default, and every bad input of the data
// commands with its exit code.
#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/direct/direct_source.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_data/cli_data_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {
namespace {

using Json = nlohmann::json;

// The exit codes of `bpfwarden --help`.
constexpr int kUsage = 2, kNotFound = 3, kPermission = 4, kUnreachable = 5;

// Expects `result` to fail with `code` and `text` in its one stderr line.
void ExpectFails(const RunResult& result, int code, const std::string& text) {
  EXPECT_EQ(result.exit_code, code) << result.err;
  EXPECT_EQ(result.out, "") << "printed before failing";
  EXPECT_NE(result.err.find(text), std::string::npos) << result.err;
  EXPECT_EQ(Lines(result.err).size(), 1u) << result.err;
}

// The variables `globals -o jsonl` printed, by name.
std::map<std::string, Json> Variables(const std::string& out) {
  std::map<std::string, Json> vars;
  for (const std::string& line : Lines(out)) {
    Json var = Json::parse(line);
    vars[var["name"]] = var;
  }
  return vars;
}

TEST_F(CliDataTest, GlobalsByNameTypedWithTheirSection) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("cli-data-globals"));
  Ok(Cli({"load", "globals", Runfile("tests/api/api_globals.bpf.o")}));
  auto vars = Variables(Ok(Cli({"globals", "globals", "-o", "jsonl"})));
  ASSERT_EQ(vars.count("counter"), 1u);
  EXPECT_EQ(vars["counter"]["section"], ".bss");
  EXPECT_EQ(vars["counter"]["type"], "__u64");
  EXPECT_EQ(vars["settings"]["section"], ".data");
  EXPECT_EQ(vars["settings"]["value"],
            Json::parse(R"({"limit": 5, "name": "abc"})"));
  EXPECT_EQ(vars["threshold"]["section"], ".rodata");
  EXPECT_EQ(vars["threshold"]["value"], 42);

  vars = Variables(Ok(Cli({"globals", "globals", "-o", "jsonl", "--set",
                           R"(settings={"limit": 9, "name": "xyz"})"})));
  EXPECT_EQ(vars["settings"]["value"],
            Json::parse(R"({"limit": 9, "name": "xyz"})"));
  vars = Variables(
      Ok(Cli({"globals", "globals", "-o", "jsonl", "--set", "counter=12345"})));
  EXPECT_EQ(vars["counter"]["value"], 12345);
  EXPECT_EQ(vars["settings"]["value"]["limit"], 9);  // untouched

  std::string table = Ok(Cli({"globals", "globals", "-o", "wide"}));
  EXPECT_NE(table.find("SECTION"), std::string::npos) << table;
  EXPECT_NE(table.find("threshold"), std::string::npos) << table;

  ExpectFails(Cli({"globals", "globals", "--set", "threshold=1"}), 1,
              "it is in .rodata, which is read-only");
  ExpectFails(Cli({"globals", "globals", "--set", "nosuch=1"}), kNotFound,
              "no variable 'nosuch'");
  ExpectFails(Cli({"globals", "globals", "--set", "counter=many"}), kUsage,
              "counter");
  ExpectFails(Cli({"globals", "globals", "--set", "counter"}), kUsage,
              "want NAME=VALUE");
  // bpffs holds no global-variables map: direct mode says so.
  ExpectFails(Direct({"globals", "globals"}), kNotFound, "never pinned");
}

// 10.0.0.0/8 (IPv4-mapped) as the daemon takes it, and as direct mode does:
// the same where the kernel has BTF decl tags (5.16); before, the kernel's
// BTF no longer says the field is an address, and direct mode takes bytes.
constexpr char kDaemonRuleKey[] = R"({"prefixlen": 104, "addr": "10.0.0.0"})";
std::string DirectRuleKey() {
  return KernelHasDeclTags()
             ? kDaemonRuleKey
             : R"({"prefixlen": 104, "addr": [0,0,0,0,0,0,0,0,0,0,255,255,10,0,0,0]})";
}

TEST_F(CliDataTest, DirectModeIsReadOnlyUnlessWritesAreAllowed) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("cli-data-readonly"));
  cli::MapTarget target{.set = kSet, .map = "tcp_tune_rules", .pin_path = {}};
  v1::Entry entry;
  entry.mutable_key()->set_json(DirectRuleKey());
  entry.mutable_value()->set_json(R"({"rule_id": 3, "congestion": "reno"})");
  cli::DirectSource read_only(pins_->path(), /*allow_write=*/false);
  absl::Status refused = read_only.Update(target, entry, v1::ANY, /*zero_fill=*/true);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_NE(refused.message().find("--allow-write"), std::string::npos);

  cli::DirectSource writable(pins_->path(), /*allow_write=*/true);
  ASSERT_TRUE(writable.Update(target, entry, v1::ANY, true).ok());
  // The flag is the kernel's: NOEXIST on the key now there is refused.
  EXPECT_EQ(writable.Update(target, entry, v1::NOEXIST, true).code(),
            absl::StatusCode::kAlreadyExists);
  std::string value;
  ASSERT_TRUE(Lookup("tcp_tune_rules", kDaemonRuleKey, &value).ok());
  EXPECT_EQ(Json::parse(value)["rule_id"], 3);
}

TEST_F(CliDataTest, UpdateDirectNeedsAllowWrite) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("cli-data-direct-update"));
  const std::vector<std::string> update = {
      "update", kSet, "tcp_tune_rules", DirectRuleKey(),
      R"({"rule_id": 5, "congestion": "reno"})", "--zero_fill"};
  ExpectFails(Direct(update), kPermission, "add --allow-write");
  std::vector<std::string> allowed = update;
  allowed.push_back("--allow-write");
  EXPECT_NE(Ok(Direct(allowed)).find("updated 1 entry"), std::string::npos);
  std::string value;
  ASSERT_TRUE(Lookup("tcp_tune_rules",
                     R"({"prefixlen": 104, "addr": "10.0.0.0"})", &value)
                  .ok());
  EXPECT_EQ(Json::parse(value)["rule_id"], 5);
  allowed.push_back("--flag=noexist");
  ExpectFails(Direct(allowed), 1, "ALREADY_EXISTS");
}

TEST_F(CliDataTest, BadInputFailsWithItsExitCode) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("cli-data-errors"));
  const std::vector<std::string> dump = {"dump", kSet, "tcp_stats"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = dump;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  ExpectFails(Cli(with({"--filter", "nosuch=1"})), kUsage,
              "--filter 'nosuch=1': no field 'nosuch'; the fields are "
              "key.family");
  ExpectFails(Cli(with({"--filter", "remote_port=eighty"})), kUsage,
              "key.remote_port is an integer: 'eighty' is not a number");
  ExpectFails(Cli(with({"--filter", "direction=SIDEWAYS"})), kUsage,
              "'SIDEWAYS' is not one of TCP_STATS_INITIATED");
  ExpectFails(Cli(with({"--filter", "remote_addr=10.0.0.0/40"})), kUsage,
              "not an address or prefix");
  ExpectFails(Cli(with({"--filter", "remote_addr"})), kUsage,
              "want FIELD=VALUE");
  ExpectFails(Cli(with({"--sort", "nosuch"})), kUsage, "--sort nosuch");
  ExpectFails(Cli(with({"--top", "3"})), kUsage, "give --sort too");
  ExpectFails(Cli(with({"--sort", "srtt_us", "-o", "raw"})), kUsage,
              "leave out --raw");
  ExpectFails(Cli(with({"-o", "yaml"})), kUsage, "yaml");
  ExpectFails(Cli({"top", kSet, "tcp_stats"}), kUsage, "give --sort FIELD");
  ExpectFails(Cli({"top", kSet, "tcp_stats", "--sort", "srtt_us", "-n", "0"}),
              kUsage, "-n: want seconds > 0");
  ExpectFails(Cli({"dump", kSet, "no_such_map"}), kNotFound, "no_such_map");
  ExpectFails(Cli({"dump", "no_such_set", "tcp_stats"}), kNotFound,
              "no_such_set");
  ExpectFails(Cli({"dump", "/sys/fs/bpf/elsewhere/x"}), kUsage,
              "is not a pin of the daemon");
  ExpectFails(Direct({"dump", kSet, "no_such_map"}), kNotFound,
              "no pinned map");
  ExpectFails(Direct({"watch", kSet, "tcp_stats", "-n", "0"}), kUsage,
              "-n: want seconds > 0");

  // No daemon behind the socket.
  ExpectFails(*RunProgram({Runfile("client/bpfwarden"),
                           "--socket=" + work_->path() + "/none.sock", "dump",
                           kSet, "tcp_stats"}),
              kUnreachable, "cannot reach bpfwardend");

  // --direct as nobody: refused before any work.
  const std::string cli = work_->path() + "/bpfwarden";
  ASSERT_TRUE(CopyExecutable(Runfile("client/bpfwarden"), cli).ok());
  absl::StatusOr<RunResult> nobody =
      RunAs({.uid = 65534, .gid = 65534, .groups = {}},
            {cli, "--direct", "--pin_root=" + pins_->path(), "dump", kSet,
             "tcp_stats"});
  ASSERT_TRUE(nobody.ok()) << nobody.status();
  ExpectFails(*nobody, kPermission, "--direct reads pinned maps with bpf(2), "
                                    "which needs root (uid 65534 is not)");
}

}  // namespace
}  // namespace bpfwarden::testing
