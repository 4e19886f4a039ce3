// Issue 20's standing adversarial suite. One daemon; root loads
// tests/api/map_kinds.bpf.c (one map of every type) as set "kinds". Then
// a grantless uid (nobody), a READ-only uid (daemon: READ on kinds/k_* and
// bpfwarden/tcp_tune_*) and a scoped admin (bin: ADMIN on team-*, sock_ops
// only, on the test's cgroup) each run hostile_client's tables, one
// process per uid; root runs the hostile table too, less the calls that
// would change state. Every call must end in the code expected_codes.cc
// gives for that uid; a denial of something that exists reads exactly as
// the denial of something that does not. Afterwards the daemon is alive
// and serves root, no pin or attachment is left that nobody asked for,
// and its RSS and FD count are back near their steady values (measured
// after two rounds of the warm-up table, so lazy allocations count).
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tests/api/kinds_object.h"
#include "tests/adversary/daemon_footprint.h"
#include "tests/adversary/expected_codes.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

constexpr char kKinds[] = "kinds";
const Credentials kGrantless = {65534, 65534, {65534}};  // nobody
const Credentials kReader = {1, 1, {1, 65534}};          // daemon
const Credentials kScopedAdmin = {2, 2, {2, 65534}};     // bin

// The steady footprint may move this much: 10 %, or for small numbers
// the absolute slack, which only counts below 10 MiB of RSS and 40 FDs
// (the daemon holds about 27 MiB and 97 FDs here). RSS: 1 MiB, what two
// steady runs of the warm-up alone differ by. FDs: 4, a connection's
// socket and eventfds not yet reaped after its client exited.
constexpr int kTrim = 1;  // seconds between the daemon's malloc_trim
constexpr int kPercent = 10;
constexpr int64_t kRssSlackKib = 1 << 10;
constexpr int64_t kFdSlack = 4;

struct Answer {
  int code = -1;
  std::string message;
};
using Answers = std::map<std::string, Answer>;

class AdversaryTest : public ApiFixture {
 protected:
  std::string Policy() const {
    return absl::StrCat(R"pb(
      policy { program_set: "kinds" map: "k_*" principals: "uid:1" allow: READ }
      policy {
        program_set: "bpfwarden"
        map: "tcp_tune_*"
        principals: "uid:1"
        allow: READ
      }
      policy {
        program_set: "team-*"
        map: "*"
        principals: "uid:2"
        allow: ADMIN
        program_types: "sock_ops"
        attach_types: "cgroup_sock_ops"
        cgroup_subtree: ")pb",
                        cgroup_->path(), "\"\n}\n");
  }

  grpc::Status LoadKinds(const std::string& object) {
    v1::LoadRequest load;
    load.mutable_program_set()->set_name(kKinds);
    load.mutable_program_set()->add_objects(object);
    v1::LoadResponse loaded;
    return programs_->Load(Ctx().get(), load, &loaded);
  }

  void SetUpDaemon() {
    // Freed memory goes back to the kernel every second (10 s shipped),
    // so that RSS is compared trimmed with trimmed.
    extra_flags_ = {absl::StrCat("--memory_trim_interval=", kTrim, "s")};
    ASSERT_NO_FATAL_FAILURE(StartDaemon("adversary"));
    ASSERT_TRUE(daemon_->Reload(ConfigWithPolicy(Policy())).ok());
    // On a kernel without some map type the daemon refuses the full kinds
    // object naming it; the base one loads, and hostile_client leaves the
    // missing maps out of its tables (kKindsMissingEnv).
    const std::vector<KindsMissing> missing = MissingKinds();
    std::vector<std::string> missing_maps;
    for (const KindsMissing& m : missing) missing_maps.push_back(m.map);
    ::setenv(kKindsMissingEnv, absl::StrJoin(missing_maps, ",").c_str(), 1);
    if (!missing.empty()) {
      grpc::Status full = LoadKinds(FullKindsObject());
      EXPECT_EQ(full.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
      EXPECT_TRUE(absl::StrContains(
          full.error_message(),
          absl::StrCat("map ", missing[0].map,
                       " needs kernel feature map type ", missing[0].type,
                       " (Linux ")))
          << full.error_message();
    }
    grpc::Status s =
        LoadKinds(missing.empty() ? FullKindsObject() : BaseKindsObject());
    ASSERT_TRUE(s.ok()) << s.error_message();
    client_ = work_->path() + "/hostile_client";
    absl::Status copied =
        CopyExecutable(Runfile("tests/adversary/hostile_client"), client_);
    ASSERT_TRUE(copied.ok()) << copied;
    for (const char* object :
         {"tests/core/core_scoped_sockops.bpf.o",
          "tests/core/core_hooks.bpf.o"}) {
      const std::string to =
          work_->path() + "/" +
          std::filesystem::path(object).filename().string();
      ASSERT_TRUE(CopyExecutable(Runfile(object), to).ok()) << object;
      objects_.push_back(to);
    }
  }

  // Runs `table` as `role`; its answers by call name.
  Answers Run(Role role, const std::string& table) {
    std::vector<std::string> argv = {client_,     daemon_->socket_path(),
                                     table,       cgroup_->path(),
                                     objects_[0], objects_[1]};
    absl::StatusOr<RunResult> run;
    switch (role) {
      case Role::kRoot:
        argv.push_back("root");
        run = RunProgram(argv);
        break;
      case Role::kGrantless:
        run = RunAs(kGrantless, argv);
        break;
      case Role::kReader:
        run = RunAs(kReader, argv);
        break;
      case Role::kScopedAdmin:
        run = RunAs(kScopedAdmin, argv);
        break;
    }
    EXPECT_TRUE(run.ok()) << RoleName(role) << " " << table << ": "
                          << run.status();
    if (!run.ok()) return {};
    EXPECT_EQ(run->exit_code, 0) << RoleName(role) << ": " << run->err;
    Answers out;
    for (absl::string_view line : absl::StrSplit(run->out, '\n')) {
      if (line.empty()) continue;
      std::vector<std::string> f = absl::StrSplit(line, absl::MaxSplits('\t', 2));
      Answer a;
      EXPECT_EQ(f.size(), 3u) << line;
      if (f.size() != 3 || !absl::SimpleAtoi(f[1], &a.code)) continue;
      EXPECT_TRUE(absl::CUnescape(f[2], &a.message)) << line;
      EXPECT_TRUE(out.emplace(f[0], a).second) << "twice: " << f[0];
    }
    return out;
  }

  // Runs `table` as `role` and checks every answer's code.
  void RunAndCheck(Role role, const std::string& table) {
    SCOPED_TRACE(absl::StrCat(RoleName(role), " ", table));
    const Answers answers = Run(role, table);
    KeepAnswers(role, table, answers);
    EXPECT_GT(answers.size(), table == "warmup" ? 10u : 300u);
    for (const auto& [name, a] : answers) {
      const grpc::StatusCode want = table == "warmup"
                                        ? ExpectedWarmup(role, name)
                                        : ExpectedHostile(role, name);
      EXPECT_EQ(a.code, static_cast<int>(want))
          << RoleName(role) << " " << name << ": " << a.message.substr(0, 300);
    }
    if (table == "hostile" && role != Role::kRoot) {
      CheckNothingTold(role, answers);
    }
  }

  // Every answer, one line each, in answers.tsv among the test's outputs
  // (bazel-testlogs/.../test.outputs): the table to read when a code moves.
  static void KeepAnswers(Role role, const std::string& table,
                          const Answers& answers) {
    const char* dir = getenv("TEST_UNDECLARED_OUTPUTS_DIR");
    if (dir == nullptr) return;
    std::ofstream out(std::string(dir) + "/answers.tsv", std::ios::app);
    for (const auto& [name, a] : answers) {
      out << RoleName(role) << "\t" << table << "\t" << name << "\t"
          << a.code << "\t" << absl::CHexEscape(a.message.substr(0, 200))
          << "\n";
    }
  }

  // What a caller may not see stays unseen: a refusal of something that
  // exists reads as that of something that does not, and no message of a
  // grantless or READ-only caller holds a pin path.
  void CheckNothingTold(Role role, const Answers& answers) {
    for (const auto& [name, a] : answers) {
      if (role != Role::kScopedAdmin) {
        EXPECT_FALSE(absl::StrContains(a.message, pins_->path()))
            << name << ": " << a.message;
      }
      // (NOT_FOUND of a map the caller may read tells nothing it may not
      // see.)
      if (!absl::EndsWith(name, "#existing") ||
          a.code != static_cast<int>(grpc::StatusCode::PERMISSION_DENIED)) {
        continue;
      }
      const std::string missing =
          std::string(absl::StripSuffix(name, "#existing")) + "#missing";
      auto it = answers.find(missing);
      ASSERT_NE(it, answers.end()) << missing;
      EXPECT_EQ(it->second.code, a.code) << name;
      EXPECT_EQ(it->second.message, a.message) << name;
    }
  }

  std::string client_;
  std::vector<std::string> objects_;  // sock_ops, then other types
};

constexpr Role kRoles[] = {Role::kGrantless, Role::kReader,
                           Role::kScopedAdmin, Role::kRoot};

TEST_F(AdversaryTest, EveryUidEveryMethodHostileArguments) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(SetUpDaemon());
  const std::set<std::string> pins_before = PinsUnder(pins_->path());

  // Warm-up: the legitimate calls, twice, then the steady footprint.
  for (int round = 0; round < 2; ++round) {
    for (Role role : kRoles) RunAndCheck(role, "warmup");
  }
  // Two of the daemon's trim intervals pass (a timer of its own, which
  // nothing shows; the check at the end allows slack either way).
  absl::SleepFor(absl::Seconds(2 * kTrim));
  absl::StatusOr<Footprint> steady = FootprintOf(daemon_->pid());
  ASSERT_TRUE(steady.ok()) << steady.status();

  for (Role role : kRoles) RunAndCheck(role, "hostile");

  // The daemon lives and serves root.
  absl::StatusOr<Footprint> after = FootprintOf(daemon_->pid());
  ASSERT_TRUE(after.ok()) << "the daemon died: " << after.status() << "\n"
                          << daemon_->Log();
  v1::StatusResponse status;
  grpc::Status s = status_->Status(Ctx().get(), v1::StatusRequest(), &status);
  EXPECT_TRUE(s.ok()) << s.error_message();
  v1::LookupRequest lookup;
  lookup.mutable_map()->set_program_set(kKinds);
  lookup.mutable_map()->set_map("k_array");
  lookup.mutable_key()->set_raw(std::string(4, '\0'));
  v1::LookupResponse found;
  s = maps_->Lookup(Ctx().get(), lookup, &found);
  EXPECT_TRUE(s.ok()) << s.error_message();

  // The names' control characters reached the log escaped only: no
  // caller forged a line or coloured the operator's terminal.
  const std::string log = daemon_->Log();
  EXPECT_FALSE(absl::StrContains(log, "\x1b")) << "a raw ESC in the log";
  EXPECT_FALSE(absl::StrContains(log, "\r")) << "a raw CR in the log";
  EXPECT_FALSE(absl::StrContains(log, "\nAUDIT")) << "a forged line";

  // Nothing left that nobody asked for.
  EXPECT_EQ(PinsUnder(pins_->path()), pins_before);
  v1::ListAttachmentsResponse attachments;
  s = attachments_->List(Ctx().get(), v1::ListAttachmentsRequest(),
                         &attachments);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(attachments.attachments_size(), 0) << attachments.DebugString();
  for (bpf_attach_type type :
       {BPF_CGROUP_SOCK_OPS, BPF_CGROUP_INET_INGRESS, BPF_CGROUP_INET_EGRESS,
        BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_SYSCTL}) {
    auto ids = AttachedProgramIds(cgroup_->path(), type);
    ASSERT_TRUE(ids.ok()) << ids.status();
    EXPECT_TRUE(ids->empty()) << "attach type " << type;
  }

  // Back near the steady footprint (streams and connections close a
  // little after their clients exit).
  WaitFor(
      [&] {
        after = FootprintOf(daemon_->pid());
        return after.ok() &&
               Within(after->rss_kib, steady->rss_kib, kPercent,
                      kRssSlackKib) &&
               Within(after->fds, steady->fds, kPercent, kFdSlack);
      },
      15, 200);
  ASSERT_TRUE(after.ok()) << after.status();
  std::cerr << "footprint: steady RSS " << steady->rss_kib << " KiB, "
            << steady->fds << " FDs; after " << after->rss_kib << " KiB, "
            << after->fds << " FDs\n";
  EXPECT_TRUE(
      Within(after->rss_kib, steady->rss_kib, kPercent, kRssSlackKib))
      << "RSS " << steady->rss_kib << " -> " << after->rss_kib << " KiB";
  EXPECT_TRUE(Within(after->fds, steady->fds, kPercent, kFdSlack))
      << "FDs " << steady->fds << " -> " << after->fds;
}

}  // namespace
}  // namespace bpfwarden::testing
