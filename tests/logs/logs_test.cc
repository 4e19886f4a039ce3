// BPF logs end to end on the real kernel: records written by log_probe.bpf.c
// through bpf/include/bpfwarden/log.h, formatted by the daemon and read
// through Logs.Tail and `bpfwarden logs`; levels removed by the verifier;
// drops counted exactly; READ on the set's bw_log map required.
#include <bpf/libbpf.h>
#include <dirent.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "tests/logs/logs_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr char kSets[] = R"pb(
  program_sets { name: "logs" objects: "$PROBE" log_level: TRACE }
  program_sets { name: "logs_warn" objects: "$PROBE" log_level: WARN }
  policy {
    program_set: "logs"
    map: "bw_log"
    principals: "uid:65534"
    allow: READ
  }
)pb";

const Credentials kNobody = {65534, 65534, {65534}};

const std::vector<std::string> kHintLines = {
    "u8 255 u16 65535 u32 4294967295 u64 18446744073709551615",
    "i8 -128 127 i16 -32768 32767",
    "i32 -2147483648 2147483647 i64 -9223372036854775808 9223372036854775807",
    "hex beef DEADBEEFCAFE f",
    "ip 192.0.2.1 2001:db8::1 10.1.2.3",
    "mac 00:1b:21:aa:bc:de 00:1B:21:AA:BC:DE",
    "str cubic {literal}",
    "ptr 0xffff888012345678",
};

class LogsTest : public LogsFixture {};

TEST_F(LogsTest, EveryHintAndTypeThroughTheStreamAndTheCli) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartLogsDaemon("logs-hints", kSets);
  RunBpf("logs", "log_hints");
  WaitForRecords("logs", kHintLines.size());

  std::vector<v1::LogRecord> records = Tail("logs");
  EXPECT_THAT(Messages(records), ElementsAreArray(kHintLines));
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0].level(), v1::INFO);
  EXPECT_EQ(records[0].program(), "log_hints");
  EXPECT_THAT(records[0].site(), HasSubstr("tests/logs/log_probe.bpf.c:"));
  EXPECT_EQ(Counts("logs").dropped(), 0u);

  RunResult jsonl = Cli({"logs", "logs", "-o", "jsonl"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  std::vector<std::string> messages;
  for (absl::string_view line :
       absl::StrSplit(jsonl.out, '\n', absl::SkipEmpty())) {
    messages.push_back(nlohmann::json::parse(line).at("message"));
  }
  EXPECT_THAT(messages, ElementsAreArray(kHintLines));

  RunResult text = Cli({"logs", "logs"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  std::vector<std::string> lines =
      absl::StrSplit(text.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), kHintLines.size()) << text.out;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(absl::EndsWith(lines[i], absl::StrCat(": ", kHintLines[i])))
        << lines[i];
    EXPECT_THAT(lines[i], HasSubstr(" INFO log_hints tests/logs/"));
  }
}

TEST_F(LogsTest, LevelsBelowTheSetsAreNotEmittedAndNotVerified) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartLogsDaemon("logs-levels", kSets);
  RunBpf("logs", "log_levels");
  RunBpf("logs_warn", "log_levels");
  WaitForRecords("logs", 5);
  WaitForRecords("logs_warn", 2);

  EXPECT_THAT(Messages(Tail("logs")),
              ElementsAre("level error 1", "level warn 2", "level info 3",
                          "level debug 4", "level trace 5"));
  EXPECT_THAT(Messages(Tail("logs_warn")),
              ElementsAre("level error 1", "level warn 2"));
  // The WARN set wrote two records, never the others: nothing dropped.
  EXPECT_EQ(Counts("logs_warn").received(), 2u);
  EXPECT_EQ(Counts("logs_warn").dropped(), 0u);
  EXPECT_LT(XlatedBytes("logs_warn", "log_levels"),
            XlatedBytes("logs", "log_levels"));
  // The reader's own filter.
  EXPECT_THAT(Messages(Tail("logs", v1::WARN)),
              ElementsAre("level error 1", "level warn 2"));
  RunResult cli = Cli({"logs", "logs", "--level=warn", "-o", "jsonl"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(
      std::vector<std::string>(absl::StrSplit(cli.out, '\n', absl::SkipEmpty()))
          .size(),
      2u)
      << cli.out;
}

TEST_F(LogsTest, FloodReceivedPlusDroppedIsEmitted) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartLogsDaemon("logs-flood", kSets, {"--bpf_log_backlog=5000"});
  constexpr uint64_t kEmitted = 2 * 1024;  // log_flood emits 1024 a run
  RunBpf("logs", "log_flood");
  RunBpf("logs", "log_flood");
  WaitForRecords("logs", kEmitted);
  v1::LogCounts counts = Counts("logs");
  EXPECT_EQ(counts.received() + counts.dropped(), kEmitted);
  EXPECT_GT(counts.dropped(), 0u);
  EXPECT_EQ(Tail("logs").size(), counts.received());
  // One warning line for the drops, with their count.
  EXPECT_TRUE(WaitFor([&] {
    return absl::StrContains(daemon_->Log(), "BPF log records dropped");
  })) << daemon_->Log();
}

TEST_F(LogsTest, TailNeedsReadOnTheSetsBwLog) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartLogsDaemon("logs-policy", kSets);
  RunBpf("logs", "log_levels");
  RunBpf("logs_warn", "log_levels");
  WaitForRecords("logs", 5);
  WaitForRecords("logs_warn", 2);

  RunResult denied = Cli({"logs", "logs_warn"}, kNobody);
  EXPECT_EQ(denied.exit_code, 4);  // permission denied
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(denied.err, HasSubstr("Logs.Tail"));

  RunResult allowed = Cli({"logs", "logs", "-o", "jsonl"}, kNobody);
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(std::vector<std::string>(
                absl::StrSplit(allowed.out, '\n', absl::SkipEmpty()))
                .size(),
            5u)
      << allowed.out;
}

// BPF map and epoll FDs of the daemon.
int CountFds(pid_t pid, absl::string_view kind) {
  const std::string dir = absl::StrCat("/proc/", pid, "/fd");
  int n = 0;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return -1;
  while (dirent* e = readdir(d)) {
    char target[256] = {};
    const std::string path = absl::StrCat(dir, "/", e->d_name);
    if (readlink(path.c_str(), target, sizeof(target) - 1) > 0 &&
        absl::StrContains(target, kind)) {
      ++n;
    }
  }
  closedir(d);
  return n;
}

TEST_F(LogsTest, UnloadStopsTheReaderAndLeavesNoFd) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartLogsDaemon("logs-unload", "");
  const int maps_before = CountFds(daemon_->pid(), "bpf-map");
  const int epolls_before = CountFds(daemon_->pid(), "eventpoll");
  RunResult load =
      Cli({"load", "logs_rt", Runfile("tests/logs/log_probe.bpf.o")});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  RunBpf("logs_rt", "log_levels");
  WaitForRecords("logs_rt", 3);  // INFO: the object's default level
  EXPECT_THAT(Messages(Tail("logs_rt")),
              ElementsAre("level error 1", "level warn 2", "level info 3"));
  EXPECT_GT(CountFds(daemon_->pid(), "eventpoll"), epolls_before);

  // A follower gets the records as they come, and an end at the unload.
  v1::TailRequest req;
  req.set_program_set("logs_rt");
  req.set_follow(true);
  grpc::ClientContext ctx;
  auto follower = logs_->Tail(&ctx, req);
  std::vector<std::string> followed;
  v1::LogRecord record;
  for (int i = 0; i < 3 && follower->Read(&record); ++i) {
    followed.push_back(record.message());  // the backlog
  }
  RunBpf("logs_rt", "log_levels");
  for (int i = 0; i < 3 && follower->Read(&record); ++i) {
    followed.push_back(record.message());  // the new ones
  }
  EXPECT_EQ(followed.size(), 6u);

  RunResult unload = Cli({"unload", "logs_rt", "--unpin_maps"});
  ASSERT_EQ(unload.exit_code, 0) << unload.err;
  EXPECT_FALSE(follower->Read(&record));
  EXPECT_TRUE(follower->Finish().ok());
  EXPECT_EQ(CountFds(daemon_->pid(), "bpf-map"), maps_before);
  EXPECT_EQ(CountFds(daemon_->pid(), "eventpoll"), epolls_before);
  grpc::Status gone;
  Tail("logs_rt", v1::LOG_LEVEL_UNSPECIFIED, &gone);
  EXPECT_EQ(gone.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(LogsTest, AHintThatDoesNotFitIsRefusedAtLoadNamingTheCall) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartLogsDaemon("logs-bad-hint", "");
  RunResult load = Cli({"load", "bad", Runfile("tests/logs/bad_hint.bpf.o")});
  EXPECT_EQ(load.exit_code, 2);  // bad input
  EXPECT_THAT(load.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(load.err, HasSubstr("tests/logs/bad_hint.bpf.c:13"));
  EXPECT_THAT(load.err,
              HasSubstr("hint {:i} does not fit argument 1 of type __u32"));
}

// A program type the kernel lacks is refused by name and with the Linux
// version that brought it, not as libbpf's bare EINVAL; where the kernel has
// it, the program loads and logs. Which branch runs is the kernel's probe's
// answer, not its version number.
TEST_F(LogsTest, ASyscallProgramLoadsOrIsRefusedNamingItsType) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartLogsDaemon("logs-syscall", "");
  RunResult load = Cli(
      {"load", "logs_sys", Runfile("tests/logs/syscall_log.bpf.o")});
  const int has_syscall =
      libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SYSCALL, nullptr);
  ASSERT_GE(has_syscall, 0) << "cannot probe for syscall programs";
  if (has_syscall == 0) {
    EXPECT_NE(load.exit_code, 0);
    EXPECT_THAT(load.err, HasSubstr("FAILED_PRECONDITION"));
    EXPECT_THAT(load.err,
                HasSubstr("set logs_sys: program log_syscall needs kernel "
                          "feature program type syscall (Linux 5.14), which "
                          "this kernel lacks"));
    std::cout << "this kernel has no syscall programs; refused as: "
              << load.err;
    return;
  }
  ASSERT_EQ(load.exit_code, 0) << load.err;
  RunBpf("logs_sys", "log_syscall");
  WaitForRecords("logs_sys", 1);
  EXPECT_THAT(Messages(Tail("logs_sys")),
              ElementsAre("from a syscall program 514"));
  RunResult unload = Cli({"unload", "logs_sys", "--unpin_maps"});
  EXPECT_EQ(unload.exit_code, 0) << unload.err;
}

}  // namespace
}  // namespace bpfwarden::testing
