// Idle streams hold no server thread (issue 20, finding 2): a uid that
// opens every stream its caps allow, on every streaming method, and reads
// nothing, leaves root's unary calls as fast as ever. Before the fix
// reflection streams (and Dump, Tail) each held a thread of the sync pool,
// so 4 connections of 16 reflection streams took all 64 and root's
// Daemon.Status went unanswered.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"
#include "tests/testing/time_scale.h"

namespace bpfwarden::testing {
namespace {

constexpr uid_t kNobody = 65534;
const Credentials kNobodyCreds = {kNobody, kNobody, {kNobody}};
// Connections per stream kind (5 kinds: 20 of the uid's 32).
constexpr int kConnections = 4;
// The idle client holds its streams until the test releases it; this only
// bounds a run that went wrong.
constexpr int kHoldSeconds = 300;
constexpr int kCalls = 200;
// Root's p99 with the idle streams held stays under this, or under five
// times its p99 measured just before, whichever is larger (a loaded machine
// is slow before and after alike; threads held by idle streams leave calls
// waiting for their deadlines).
constexpr auto kP99Limit = std::chrono::milliseconds(100);
constexpr int kP99Factor = 5;

using Clock = std::chrono::steady_clock;

class IdleStreamsTest : public ApiFixture {
 protected:
  // Runs idle_client as nobody in the background; returns once it has sent
  // every call.
  void StartIdleClient() {
    const std::string client = work_->path() + "/idle_client";
    absl::Status s = CopyExecutable(Runfile("tests/api/idle_client"), client);
    ASSERT_TRUE(s.ok()) << s;
    absl::StatusOr<RunningProgram> idle = RunningProgram::Start(
        kNobodyCreds, {client, daemon_->socket_path(),
                       absl::StrCat(kConnections), absl::StrCat(kHoldSeconds)});
    ASSERT_TRUE(idle.ok()) << idle.status();
    idle_.emplace(*std::move(idle));
    ASSERT_TRUE(WaitFor(
        [&] { return idle_->Err().find("holding\n") != std::string::npos; },
        60))
        << "idle_client: " << idle_->Err();
  }
  // Releases the idle client's streams; its report, once it ended.
  RunResult ReleaseIdleClient() {
    EXPECT_TRUE(idle_->Signal(SIGUSR1).ok());
    absl::StatusOr<RunResult> report = idle_->Finish(60);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : RunResult{};
  }

  // Latencies of `kCalls` calls of `call` (a failed call counts as 5 s; ten
  // failures end the run), sorted; their p99 is expected under `limit`.
  template <typename Call>
  std::vector<Clock::duration> Measure(const char* what, Call call,
                                       Clock::duration limit) {
    std::vector<Clock::duration> took;
    int failed = 0;
    for (int i = 0; i < kCalls && failed < 10; ++i) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
      const auto start = Clock::now();
      grpc::Status s = call(ctx);
      took.push_back(Clock::now() - start);
      if (!s.ok()) {
        ++failed;
        took.back() = std::chrono::seconds(5);
        ADD_FAILURE() << what << ": " << s.error_code() << " "
                      << s.error_message();
      }
    }
    std::sort(took.begin(), took.end());
    const auto p99 = took[took.size() * 99 / 100];
    std::cerr << what << ": " << took.size() << " calls, p50 "
              << std::chrono::duration<double, std::milli>(
                     took[took.size() / 2])
                     .count()
              << " ms, p99 "
              << std::chrono::duration<double, std::milli>(p99).count()
              << " ms\n";
    EXPECT_LT(p99, Scaled(limit)) << what;
    return took;
  }

  // Root's Daemon.Status and Maps.Lookup on a connection of its own; their
  // p99s are expected under `limit`. Returns the larger p99.
  Clock::duration MeasureRoot(Clock::duration limit) {
    auto channel = grpc::CreateChannel("unix:" + daemon_->socket_path(),
                                       grpc::InsecureChannelCredentials());
    auto status = v1::Daemon::NewStub(channel);
    auto maps = v1::Maps::NewStub(channel);
    auto p99 = [](const std::vector<Clock::duration>& took) {
      return took[took.size() * 99 / 100];
    };
    const auto status_p99 = p99(Measure(
        "Daemon.Status",
        [&](grpc::ClientContext& ctx) {
          v1::StatusResponse resp;
          return status->Status(&ctx, v1::StatusRequest(), &resp);
        },
        limit));
    const auto lookup_p99 = p99(Measure(
        "Maps.Lookup",
        [&](grpc::ClientContext& ctx) {
          v1::LookupRequest req;
          req.mutable_map()->set_program_set(kSet);
          req.mutable_map()->set_map("tcp_tune_counters");
          req.mutable_key()->set_json(R"({"rule_id":7})");
          v1::LookupResponse resp;
          return maps->Lookup(&ctx, req, &resp);
        },
        limit));
    return std::max(status_p99, lookup_p99);
  }

  // Holds the idle streams, measures root's calls meanwhile, and returns
  // the idle client's report.
  RunResult HoldAndMeasure() {
    std::cerr << "before the idle streams:\n";
    const Clock::duration baseline = MeasureRoot(std::chrono::seconds(5));
    const auto started = Clock::now();
    StartIdleClient();
    if (!idle_.has_value()) return RunResult{};
    std::cerr << "with the idle streams held:\n";
    MeasureRoot(std::max<Clock::duration>(kP99Limit, kP99Factor * baseline));
    // The streams were held for the whole measurement.
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(kHoldSeconds));
    RunResult report = ReleaseIdleClient();
    std::cerr << "idle client (uid 65534):\n" << report.out << report.err;
    EXPECT_EQ(report.exit_code, 0) << report.err;
    return report;
  }

  std::optional<RunningProgram> idle_;
};

// idle_client's report: kind -> {"open" or a code name -> count}.
std::map<std::string, std::map<std::string, int>> ParseReport(
    const std::string& text) {
  std::map<std::string, std::map<std::string, int>> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> words = absl::StrSplit(line, ' ');
    for (size_t i = 1; i < words.size(); ++i) {
      std::pair<std::string, std::string> kv = absl::StrSplit(words[i], '=');
      int n = 0;
      EXPECT_TRUE(absl::SimpleAtoi(kv.second, &n)) << line;
      out[words[0]][kv.first] = n;
    }
  }
  return out;
}

// A member of the socket's group with no grant at all: its Dump, Watch and
// Tail are refused at once; reflection is not served (UNIMPLEMENTED); the
// health watches stay open, on gRPC's callback API, holding no thread.
TEST_F(IdleStreamsTest, AGrantlessUidsIdleStreamsStallNoOne) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-idle-none"));
  ASSERT_TRUE(FillCounters().ok());
  RunResult report = HoldAndMeasure();
  EXPECT_EQ(report.out,
            "dump open=0 PERMISSION_DENIED=64\n"
            "watch open=0 PERMISSION_DENIED=64\n"
            "tail open=0 PERMISSION_DENIED=64\n"
            "reflection open=0 UNIMPLEMENTED=64\n"
            "health open=64\n");
}

// A reader: its Dump, Watch and Tail streams together stop at its
// per-caller cap (8, the rest RESOURCE_EXHAUSTED), dumps stalled on flow
// control among them.
TEST_F(IdleStreamsTest, AReadersIdleStreamsStopAtItsCapAndStallNoOne) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-idle-reader", R"pb(
    policy {
      program_set: "bpfwarden"
      map: "*"
      principals: "uid:65534"
      allow: READ
    }
  )pb"));
  ASSERT_TRUE(FillCounters().ok());
  RunResult report = HoldAndMeasure();
  std::map<std::string, std::map<std::string, int>> counts =
      ParseReport(report.out);
  int open = 0;
  int exhausted = 0;
  for (const char* kind : {"dump", "watch", "tail"}) {
    open += counts[kind]["open"];
    exhausted += counts[kind]["RESOURCE_EXHAUSTED"];
    counts.erase(kind);
  }
  EXPECT_EQ(open, 8) << report.out;
  EXPECT_EQ(exhausted, 3 * 64 - 8) << report.out;
  using Counts = std::map<std::string, int>;
  EXPECT_EQ(counts["reflection"], (Counts{{"UNIMPLEMENTED", 64}, {"open", 0}}));
  EXPECT_EQ(counts["health"], (Counts{{"open", 64}}));
}

// Whether root may open one more stream now: a Dump of the (small) map to
// its end; false when refused for the per-caller cap.
bool DumpServed(v1::Maps::Stub& maps) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::DumpRequest req;
  req.mutable_map()->set_program_set(kSet);
  req.mutable_map()->set_map("tcp_tune_rules");
  auto reader = maps.Dump(&ctx, req);
  v1::DumpResponse page;
  while (reader->Read(&page)) {
  }
  grpc::Status s = reader->Finish();
  EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_code() << " " << s.error_message();
  return s.ok();
}

// A Tail that follows a quiet set holds no thread and ends, giving its slot
// back, when the client cancels it and when its deadline passes.
TEST_F(IdleStreamsTest, AFollowingTailEndsOnCancelAndOnItsDeadline) {
  BPFWARDEN_REQUIRE_KERNEL();
  extra_flags_ = {"--api_max_streams_per_caller=4"};
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-idle-tail"));
  auto logs = v1::Logs::NewStub(daemon_->Channel());
  struct Follower {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<v1::LogRecord>> reader;
  };
  auto follow = [&](std::chrono::system_clock::time_point deadline) {
    std::vector<std::unique_ptr<Follower>> followers;
    for (int i = 0; i < 4; ++i) {
      auto f = std::make_unique<Follower>();
      f->ctx.set_deadline(deadline);
      v1::TailRequest req;
      req.set_program_set(kSet);
      req.set_follow(true);
      f->reader = logs->Tail(&f->ctx, req);
      followers.push_back(std::move(f));
    }
    return followers;
  };
  // One round: four followers seen holding root's four slots, then ended
  // by a cancel or by their deadline, `within` from now. False when a
  // loaded machine did not show the slots taken before the deadline
  // (then the round tested nothing).
  auto round = [&](bool cancel, std::chrono::seconds within) {
    const auto deadline = std::chrono::system_clock::now() + within;
    auto followers = follow(deadline);
    bool taken = false;
    WaitFor(
        [&] {
          if (!DumpServed(*maps_)) {
            taken = std::chrono::system_clock::now() < deadline;
            return true;
          }
          return std::chrono::system_clock::now() >= deadline;
        },
        within.count() + 5, 100);
    if (cancel) {
      for (auto& f : followers) f->ctx.TryCancel();
    }
    const auto end_by = cancel ? std::chrono::system_clock::now() +
                                     std::chrono::seconds(3)
                               : deadline + std::chrono::seconds(3);
    for (auto& f : followers) {
      v1::LogRecord record;
      while (f->reader->Read(&record)) {
      }
      EXPECT_THAT(f->reader->Finish(),
                  StatusIs(cancel ? grpc::StatusCode::CANCELLED
                                  : grpc::StatusCode::DEADLINE_EXCEEDED));
    }
    if (taken) EXPECT_LT(std::chrono::system_clock::now(), end_by);
    // And the daemon ended them: the slots are free again (within
    // seconds; 20 s leaves a loaded machine room).
    EXPECT_TRUE(WaitFor([&] { return DumpServed(*maps_); }, 20, 100));
    return taken;
  };
  {
    SCOPED_TRACE("cancel");
    EXPECT_TRUE(round(/*cancel=*/true, std::chrono::seconds(60)))
        << "the four Tails never held the slots";
  }
  // A short deadline, tried again while a loaded machine lets it pass
  // before the slots are seen taken; the check is that the Tails end at it,
  // not long after.
  SCOPED_TRACE("deadline");
  bool tested = false;
  for (int attempt = 0; attempt < 3 && !tested && !HasFailure(); ++attempt) {
    tested = round(/*cancel=*/false, std::chrono::seconds(8));
  }
  EXPECT_TRUE(tested) << "three deadlines passed before the slots were taken";
}

// Stopping cancels every call after the server's 1 s grace: a Dump stalled
// on a client that stopped reading and a Tail following a quiet set end
// then, so the daemon stops within seconds, cutting no connection. (gRPC
// 1.51 completes a write stalled on flow control about 3 s after its call
// is cancelled: measured 4.0 s in all, against 1.0 s with no Dump stalled.)
TEST_F(IdleStreamsTest, TheDaemonStopsPromptlyWithStalledStreamsOpen) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-idle-stop"));
  ASSERT_TRUE(FillCounters().ok());
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);  // a fixed 64 KiB window
  auto channel =
      grpc::CreateCustomChannel("unix:" + daemon_->socket_path(),
                                grpc::InsecureChannelCredentials(), args);
  auto maps = v1::Maps::NewStub(channel);
  auto logs = v1::Logs::NewStub(channel);
  grpc::ClientContext dump_ctx;
  dump_ctx.set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(30));
  v1::DumpRequest dump;
  dump.mutable_map()->set_program_set(kSet);
  dump.mutable_map()->set_map("tcp_tune_counters");
  dump.set_page_size(1);
  auto dumping = maps->Dump(&dump_ctx, dump);
  v1::DumpResponse page;
  ASSERT_TRUE(dumping->Read(&page));  // then never again
  grpc::ClientContext tail_ctx;
  tail_ctx.set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(30));
  v1::TailRequest tail;
  tail.set_program_set(kSet);
  tail.set_follow(true);
  auto following = logs->Tail(&tail_ctx, tail);
  // Time for the dump to fill the window. The client cannot see that
  // happen; were it not yet full, the stop would only be easier.
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const auto start = Clock::now();
  absl::StatusOr<int> exit = daemon_->Stop();
  const auto took = Clock::now() - start;
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(*exit, 0) << daemon_->Log();
  std::cerr << "stopped in "
            << std::chrono::duration<double, std::milli>(took).count()
            << " ms with a stalled Dump and a following Tail open\n";
  // A bound against hanging, with room for a loaded machine (4 s measured
  // on a quiet one).
  EXPECT_LT(took, std::chrono::seconds(15)) << daemon_->Log();
  // (A reader with unread messages ends once cancelled.)
  dump_ctx.TryCancel();
  EXPECT_FALSE(dumping->Finish().ok());
  EXPECT_FALSE(following->Finish().ok());
}

}  // namespace
}  // namespace bpfwarden::testing
