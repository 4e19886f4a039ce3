// Issue 20: a stream is authorized when it opens, and again while it runs.
// nobody (through api_probe) holds a Maps.Dump, a Maps.Watch or a followed
// Logs.Tail open; a SIGHUP whose policy no longer grants it ends the stream
// with PERMISSION_DENIED, audited, and the daemon keeps serving.
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "tests/api/probe_fixture.h"
#include "tests/logs/logs_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kSets[] = R"pb(
  program_sets { name: "bpfwarden" builtin: true }
  program_sets { name: "logs" objects: "$PROBE" log_level: TRACE }
)pb";

constexpr char kGrants[] = R"pb(
  policy {
    program_set: "bpfwarden"
    map: "tcp_*"
    principals: "uid:65534"
    allow: READ
  }
  policy {
    program_set: "logs"
    map: "bw_log"
    principals: "uid:65534"
    allow: READ
  }
)pb";

class RevokedStreamsTest : public LogsFixture {
 protected:
  void StartWithGrants(const std::string& tag) {
    ASSERT_NO_FATAL_FAILURE(StartLogsDaemon(tag, absl::StrCat(kSets, kGrants)));
    gate_ = work_->path() + "/gate";
    std::filesystem::create_directory(gate_);
    ASSERT_EQ(::chmod(gate_.c_str(), 0777), 0);
  }

  // Runs api_probe `args` (a paced stream, its READY file last) as nobody;
  // once its first message arrived, reloads the configuration without the
  // grants and lets the stream go on. The probe's result.
  RunResult RevokedWhileOpen(std::vector<std::string> args) {
    const std::string ready = gate_ + "/ready";
    args.push_back(ready);
    RunResult result;
    std::thread probe([&] {
      result = RunApiProbe(work_->path(), daemon_->socket_path(), args);
    });
    const bool open =
        WaitFor([&] { return std::filesystem::exists(ready); }, 20);
    EXPECT_TRUE(open) << "the stream sent nothing";
    if (open) {
      EXPECT_TRUE(daemon_
                      ->Reload(absl::StrReplaceAll(
                          kSets, {{"$PROBE", Runfile(kProbeObject)}}))
                      .ok());
    }
    std::ofstream(ready + ".go").put('\n');
    probe.join();
    return result;
  }

  // The probe's "messages=N" after the first.
  static int64_t MessagesAfterTheFirst(const RunResult& r) {
    int64_t n = -1;
    absl::string_view out = absl::StripSuffix(r.out, "\n");
    EXPECT_TRUE(absl::ConsumePrefix(&out, "messages=") &&
                absl::SimpleAtoi(out, &n))
        << r.out;
    return n;
  }

  // The stream ended, denied, naming why; its denial is audited.
  void ExpectRevoked(const RunResult& r, const std::string& method) {
    EXPECT_EQ(r.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
        << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat(method, " on ")));
    EXPECT_THAT(r.err, HasSubstr("the policy was reloaded without this grant"));
    EXPECT_THAT(daemon_->Log(),
                HasSubstr(absl::StrCat("method=", method, " ")));
    // The daemon keeps serving.
    v1::StatusResponse status;
    EXPECT_TRUE(
        status_->Status(Ctx().get(), v1::StatusRequest(), &status).ok());
  }

  static constexpr char kProbeObject[] = "tests/logs/log_probe.bpf.o";
  std::string gate_;
};

// Before the fix the dump went on to its last page under the old grant.
TEST_F(RevokedStreamsTest, DumpEndsWhenItsGrantIsTakenAway) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartWithGrants("api-revoked-dump"));
  // Far more one-entry pages than the transport buffers.
  constexpr int kEntries = 8192;
  for (int i = 0; i < kEntries; i += 1024) {
    v1::UpdateRequest update;
    update.mutable_map()->set_program_set(kSet);
    update.mutable_map()->set_map("tcp_stats");
    for (int k = i; k < i + 1024; ++k) {
      v1::Entry* e = update.add_entries();
      std::string key(32, '\0');
      key[0] = 2;  // AF_INET
      std::memcpy(&key[8], &k, sizeof(k));
      e->mutable_key()->set_raw(key);
      e->mutable_value()->set_raw(std::string(88, '\0'));
    }
    v1::UpdateResponse updated;
    grpc::Status s = maps_->Update(Ctx().get(), update, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  RunResult r = RevokedWhileOpen({"dump-paced", kSet, "tcp_stats"});
  ExpectRevoked(r, "Maps.Dump");
  const int64_t after = MessagesAfterTheFirst(r);
  std::cout << "pages read after the first (and the reload): " << after
            << " of " << kEntries << "\n";
  EXPECT_LT(after, kEntries / 2);
}

// Before the fix the watch went on for ever (here: to the probe's deadline).
TEST_F(RevokedStreamsTest, WatchEndsWhenItsGrantIsTakenAway) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartWithGrants("api-revoked-watch"));
  ASSERT_TRUE(Update("tcp_tune_counters", R"({"rule_id":1})", "{}").ok());
  RunResult r = RevokedWhileOpen({"watch", kSet, "tcp_tune_counters"});
  ExpectRevoked(r, "Maps.Watch");
}

// Before the fix the followed tail went on for ever.
TEST_F(RevokedStreamsTest, FollowedTailEndsWhenItsGrantIsTakenAway) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartWithGrants("api-revoked-tail"));
  RunBpf("logs", "log_levels");
  WaitForRecords("logs", 1);
  RunResult r = RevokedWhileOpen({"tail", "logs"});
  ExpectRevoked(r, "Logs.Tail");
}

}  // namespace
}  // namespace bpfwarden::testing
