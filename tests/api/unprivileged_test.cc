// The policy seen from unprivileged clients: a process that dropped to
// nobody (uid and gid 65534) reads the map it is allowed to, is refused
// writes (PERMISSION_DENIED, audited) until the policy grants them on
// SIGHUP, and sees only what it may read. A uid outside the socket's group
// cannot connect at all.
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "tests/api/probe_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/run_as.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

constexpr char kWriteCounters[] = R"pb(
  policy {
    program_set: "bpfwarden"
    map: "tcp_tune_counters"
    principals: "group:nogroup"
    allow: WRITE
  }
)pb";

class UnprivilegedTest : public ProbeFixture {};

TEST_F(UnprivilegedTest, ReadAllowedWriteDeniedUntilPolicyGrantsIt) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-unpriv", kReadCounters));
  const std::string key = R"({"rule_id":42})";
  ASSERT_TRUE(Update("tcp_tune_counters", key, R"({"matched":3})").ok());

  // Who the daemon thinks we are: the kernel's word, not ours.
  RunResult status = Probe({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out.rfind("uid:65534(nobody) gid:65534", 0), 0u)
      << status.out;

  // Read is allowed.
  RunResult read = Probe({"lookup", kSet, "tcp_tune_counters", key});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(nlohmann::json::parse(read.out)["matched"], 3);
  RunResult dump = Probe({"dump", kSet, "tcp_tune_counters"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find(R"("rule_id":42)"), std::string::npos);

  // Write is not, and the error names the operation and the map only.
  RunResult write =
      Probe({"update", kSet, "tcp_tune_counters", key, R"({"matched":9})"});
  EXPECT_EQ(write.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << write.err;
  EXPECT_EQ(write.err,
            "Maps.Update on map bpfwarden/tcp_tune_counters: permission "
            "denied (write access required)\n");
  RunResult del = Probe({"delete", kSet, "tcp_tune_counters", key});
  EXPECT_EQ(del.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED));
  // Maps outside the rule are not readable, nor listed; admin is refused.
  RunResult stats = Probe({"lookup", kSet, "tcp_stats",
                           R"({"family":2,"remote_port":1,"remote_addr":)"
                           R"("1.2.3.4","cgroup_id":1})"});
  EXPECT_EQ(stats.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << stats.err;
  RunResult listed = Probe({"list-maps"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::vector<std::string> names =
      absl::StrSplit(listed.out, '\n', absl::SkipEmpty());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"bpfwarden/tcp_tune_conn",
                                             "bpfwarden/tcp_tune_counters",
                                             "bpfwarden/tcp_tune_rules"}));
  RunResult unload = Probe({"unload", kSet});
  EXPECT_EQ(unload.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED));

  std::string value;
  ASSERT_TRUE(Lookup("tcp_tune_counters", key, &value).ok());
  EXPECT_EQ(nlohmann::json::parse(value)["matched"], 3);  // untouched

  // The policy grants write (to the group) on SIGHUP.
  ASSERT_TRUE(daemon_
                  ->Reload(ConfigWithPolicy(
                      absl::StrCat(kReadCounters, kWriteCounters)))
                  .ok());
  write = Probe({"update", kSet, "tcp_tune_counters", key, R"({"matched":9})"});
  EXPECT_EQ(write.exit_code, 0) << write.err;
  ASSERT_TRUE(Lookup("tcp_tune_counters", key, &value).ok());
  EXPECT_EQ(nlohmann::json::parse(value)["matched"], 9);
  // ... on that map only.
  write = Probe({"update", kSet, "tcp_tune_rules",
                 R"({"prefixlen":104,"addr":"10.0.0.0"})", R"({"rule_id":1})"});
  EXPECT_EQ(write.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED));

  // Audit: the denials and the write, with who, what, which map, which key.
  std::string log = daemon_->Log();
  std::vector<std::string> audit;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (line.find(" AUDIT ") != absl::string_view::npos &&
        line.find("uid:65534") != absl::string_view::npos) {
      audit.emplace_back(line);
    }
  }
  // `key`: a piece of the escaped key text the record must carry.
  auto has = [&](const std::string& method, const std::string& map,
                 const std::string& result, const std::string& key = "") {
    for (const std::string& line : audit) {
      if (line.find("method=" + method + " ") != std::string::npos &&
          line.find("map=\"bpfwarden/" + map + "\"") != std::string::npos &&
          line.find("result=" + result) != std::string::npos &&
          line.find(key) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  const std::string escaped_key = R"(keys="{\"rule_id\":42}")";
  EXPECT_TRUE(
      has("Maps.Update", "tcp_tune_counters", "PERMISSION_DENIED", escaped_key))
      << log;
  EXPECT_TRUE(has("Maps.Delete", "tcp_tune_counters", "PERMISSION_DENIED",
                  escaped_key));
  EXPECT_TRUE(has("Maps.Lookup", "tcp_stats", "PERMISSION_DENIED"));
  EXPECT_TRUE(has("Maps.Update", "tcp_tune_counters", "OK", escaped_key));
  EXPECT_TRUE(has("Maps.Update", "tcp_tune_rules", "PERMISSION_DENIED"));
}

TEST_F(UnprivilegedTest, BadPolicyIsRefusedAtStartAndOnReload) {
  BPFWARDEN_REQUIRE_KERNEL();
  const std::string bad = R"pb(
    policy { program_set: "*" map: "*" principals: "host:evil" allow: WRITE }
  )pb";
  // At start: the daemon does not come up.
  auto pins = ScopedPinDir::Create("api-badpolicy");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto work = ScopedTempDir::Create("api-badpolicy");
  ASSERT_TRUE(work.ok()) << work.status();
  auto refused = ApiDaemon::Start(
      {pins->path(), work->path(), ConfigWithPolicy(bad), "nogroup", {}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(
                "policy rule 0: principal \"host:evil\": unknown kind"),
            std::string::npos)
      << refused.status();

  // On reload: refused, and the running policy stays.
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-badreload", kReadCounters));
  ASSERT_TRUE(Update("tcp_tune_counters", R"({"rule_id":1})", "{}").ok());
  ASSERT_TRUE(daemon_
                  ->Reload(ConfigWithPolicy(bad),
                           "policy reload refused, keeping the running policy")
                  .ok());
  RunResult read =
      Probe({"lookup", kSet, "tcp_tune_counters", R"({"rule_id":1})"});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  RunResult write =
      Probe({"update", kSet, "tcp_tune_counters", R"({"rule_id":1})", "{}"});
  EXPECT_EQ(write.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(UnprivilegedTest, OnlyTheSocketGroupCanConnect) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-group", kReadCounters));
  // uid 65534 with a gid outside the socket's group (nogroup) gets no
  // connection at all: the socket is 0660.
  Credentials outsider = {kNobody, 65533, {65533}};
  RunResult refused = Probe({"status"}, outsider);
  EXPECT_EQ(refused.exit_code, Code(grpc::StatusCode::UNAVAILABLE))
      << refused.err;
  // A member (the primary group) can.
  RunResult member = Probe({"status"});
  EXPECT_EQ(member.exit_code, 0) << member.err;
}

}  // namespace
}  // namespace bpfwarden::testing

namespace bpfwarden::testing {
namespace {

class PathProbingTest : public UnprivilegedTest {};

// Before the fix, any connected caller had the daemon stat and realpath
// its string as root and got the error text back ("/root/x: No such file",
// "/proc/<pid>/fd/N" resolved to another user's file).
TEST_F(PathProbingTest, AttachmentsListNeverLooksOutsideTheCgroupTree) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-probing"));
  // No grant at all: refused before the path is looked at.
  RunResult denied = Probe({"list-attachments", "/root"});
  EXPECT_EQ(denied.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << denied.err;
  EXPECT_EQ(denied.err.find("root/"), std::string::npos) << denied.err;

  // With a READ grant: only paths beneath the cgroup v2 mount are opened;
  // the error quotes the caller's own string and nothing else.
  ASSERT_TRUE(daemon_->Reload(ConfigWithPolicy(kReadCounters)).ok());
  for (const std::string path :
       {"/proc/self/fd/0", "/root", "/etc/shadow", "/proc/1/root/etc"}) {
    RunResult r = Probe({"list-attachments", path});
    EXPECT_EQ(r.exit_code, Code(grpc::StatusCode::NOT_FOUND)) << r.err;
    EXPECT_EQ(
        r.err.rfind(
            absl::StrCat("cgroup \"", path, "\": no such cgroup under "), 0),
        0u)
        << r.err;
  }
  RunResult up = Probe({"list-attachments", "../../../etc"});
  EXPECT_EQ(up.exit_code, Code(grpc::StatusCode::INVALID_ARGUMENT)) << up.err;
  RunResult ours = Probe({"list-attachments", cgroup_->path()});
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
}

}  // namespace
}  // namespace bpfwarden::testing

namespace bpfwarden::testing {
namespace {

class LimitedAdminTest : public UnprivilegedTest {};

// Before the fix an ADMIN rule for a non-root principal could not be
// limited: nobody could load cgroup/connect4 or sysctl programs and attach
// them to the root cgroup.
TEST_F(LimitedAdminTest, NonRootAdminStaysWithinItsTypesAndSubtree) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-limited-admin"));
  // Without limits the policy is refused, saying why.
  const std::string unlimited = R"pb(
    policy {
      program_set: "team-*"
      map: "*"
      principals: "uid:65534"
      allow: ADMIN
    }
  )pb";
  ASSERT_TRUE(daemon_
                  ->Reload(ConfigWithPolicy(unlimited),
                           "policy reload refused, keeping the running policy")
                  .ok());
  EXPECT_NE(daemon_->Log().find("ADMIN for a non-root principal needs "
                                "program_types, attach_types and "
                                "cgroup_subtree"),
            std::string::npos);

  const std::string limited = absl::StrCat(
      "policy { program_set: \"team-*\" map: \"*\" principals: "
      "\"uid:65534\" allow: ADMIN program_types: \"sock_ops\" "
      "attach_types: \"cgroup_sock_ops\" cgroup_subtree: \"",
      cgroup_->path(), "\" }");
  ASSERT_TRUE(daemon_->Reload(ConfigWithPolicy(limited)).ok());
  const std::string sockops = Readable("tests/core/core_scoped_sockops.bpf.o");
  const std::string hooks = Readable("tests/core/core_hooks.bpf.o");

  // Another program type: refused before anything is loaded.
  RunResult other = Probe({"load", "team-b", hooks});
  EXPECT_EQ(other.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << other.err;
  EXPECT_NE(other.err.find("a type the policy does not allow"),
            std::string::npos)
      << other.err;

  RunResult load = Probe({"load", "team-a", sockops});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  // Outside its subtree: the root of the hierarchy, and a way up.
  RunResult root = Probe({"attach", "team-a", "scoped_count_sockops", "/"});
  EXPECT_EQ(root.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << root.err;
  RunResult up = Probe(
      {"attach", "team-a", "scoped_count_sockops", cgroup_->path() + "/.."});
  EXPECT_EQ(up.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED)) << up.err;
  // A set outside the rule's glob.
  RunResult foreign =
      Probe({"attach", kSet, "tcp_stats_sockops", cgroup_->path()});
  EXPECT_EQ(foreign.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED));
  // Within: attached.
  RunResult inside =
      Probe({"attach", "team-a", "scoped_count_sockops", cgroup_->path()});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  RunResult unload = Probe({"unload", "team-a"});
  EXPECT_EQ(unload.exit_code, 0) << unload.err;
}

}  // namespace
}  // namespace bpfwarden::testing

namespace bpfwarden::testing {
namespace {

class ConnectionCapsTest : public UnprivilegedTest {};

// Before the fix a member of the socket's group with no grants could hold
// about 1,000 silent connections and exhaust the daemon's descriptors.
TEST_F(ConnectionCapsTest, ConnectionsPastTheCapAreRefusedRootStillGetsIn) {
  BPFWARDEN_REQUIRE_KERNEL();
  extra_flags_ = {"--api_max_connections_per_uid=4",
                  "--api_max_connections=64"};
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-conncap", kReadCounters));
  // Nobody opens ten connections; the daemon closes all but four.
  absl::StatusOr<RunningProgram> held = StartProbe({"hold", "10", "4"});
  ASSERT_TRUE(held.ok()) << held.status();
  ASSERT_TRUE(WaitFor([&] { return !held->Out().empty(); }, 30)) << held->Err();
  EXPECT_EQ(held->Out(), "open=4 closed=6\n") << held->Err();
  // Root, on a fresh connection, while nobody holds its cap.
  auto root = v1::Daemon::NewStub(grpc::CreateChannel(
      "unix:" + daemon_->socket_path(), grpc::InsecureChannelCredentials()));
  v1::StatusResponse resp;
  EXPECT_TRUE(root->Status(Ctx().get(), v1::StatusRequest(), &resp).ok());
  // Nobody cannot open a fifth.
  RunResult fifth = Probe({"status"});
  EXPECT_EQ(fifth.exit_code, Code(grpc::StatusCode::UNAVAILABLE)) << fifth.err;
  ASSERT_TRUE(held->Signal(SIGKILL).ok());
  ASSERT_TRUE(held->Finish().ok());
  // Once they are closed, nobody is served again; the daemon kept serving.
  RunResult again;
  EXPECT_TRUE(WaitFor(
      [&] {
        again = Probe({"status"});
        return again.exit_code == 0;
      },
      20, 100))
      << again.err;
  EXPECT_NE(daemon_->Log().find("api: refusing a connection from uid:65534"),
            std::string::npos);
}

}  // namespace
}  // namespace bpfwarden::testing

namespace bpfwarden::testing {
namespace {

class PeerGroupsTest : public UnprivilegedTest {};

// Groups come from the peer's live credentials (SO_PEERGROUPS). Before the
// fix they came from the group database, where nobody is in no group 4242:
// a process holding 4242 was refused, and one that dropped a group kept
// its grants.
TEST_F(PeerGroupsTest, GroupsAreThePeersLiveGroups) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-peergroups", R"pb(
    policy {
      program_set: "bpfwarden"
      map: "tcp_tune_counters"
      principals: "group:4242"
      allow: READ
    }
  )pb"));
  ASSERT_TRUE(Update("tcp_tune_counters", R"({"rule_id":1})", "{}").ok());
  const Credentials with = {kNobody, kNobody, {kNobody, 4242}};
  RunResult in =
      Probe({"lookup", kSet, "tcp_tune_counters", R"({"rule_id":1})"}, with);
  EXPECT_EQ(in.exit_code, 0) << in.err;
  RunResult out =
      Probe({"lookup", kSet, "tcp_tune_counters", R"({"rule_id":1})"});
  EXPECT_EQ(out.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << out.err;
}

}  // namespace
}  // namespace bpfwarden::testing

namespace bpfwarden::testing {
namespace {

class InformationLeaksTest : public UnprivilegedTest {};

// Before the fix READ on one map showed every map of the set, its pin
// paths and its verifier log, and a missing map's error listed them all.
TEST_F(InformationLeaksTest, ACallerSeesOnlyWhatItMayRead) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(
      StartDaemon("api-leaks", kReadCounters));  // READ on tcp_tune_*
  RunResult set = Probe({"get-set", kSet});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.out.find(R"(maps: "tcp_tune_counters")"), std::string::npos)
      << set.out;
  EXPECT_EQ(set.out.find(R"(maps: "tcp_stats")"), std::string::npos) << set.out;
  EXPECT_EQ(set.out.find("pin_path"), std::string::npos) << set.out;
  RunResult missing =
      Probe({"lookup", kSet, "tcp_tune_nope", R"({"rule_id":1})"});
  EXPECT_EQ(missing.exit_code, Code(grpc::StatusCode::NOT_FOUND))
      << missing.err;
  EXPECT_EQ(missing.err.find("tcp_stats"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace bpfwarden::testing
