// bpfwardend under a real systemd 252, booted as PID 1 of an nspawn
// container (tests/systemd/nspawn_container.h): the shipped units, socket
// activation, a non-root client, journald fields, the watchdog, and no
// residue after the container stops. Attachments by unit, and the hardened
// unit: unit_attach_test.cc.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/systemd/real_systemd_fixture.h"
#include "tests/systemd/systemd_fixture.h"
#include "tests/testing/files.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kReadPolicy[] =
    "policy { program_set: \"bpfwarden\" map: \"tcp_stats\" "
    "principals: \"group:bpfwarden\" allow: READ }\n";

// 1. The socket unit activates the daemon on the first connection, and the
// service turns active only with READY=1 (Type=notify).
TEST_F(RealSystemdTest, SocketActivationThenReady) {
  InstallDaemon(kBuiltinSet);
  Systemctl({"start", kSocket});
  EXPECT_EQ(container_->UnitProperty(kService, "ActiveState"), "inactive");
  auto status = StatusOver(ApiSocket());
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WaitFor([&] {
    return container_->UnitProperty(kService, "ActiveState") == "active";
  }));
  // The socket unit's second ListenStream= serves read handles, and the
  // hardened unit lets the probe's capability-less child run.
  EXPECT_EQ(status->handle_socket(), "/run/bpfwarden/handles.sock");
  EXPECT_TRUE(status->handles_usable()) << status->handles_probe();
  // STATUS= arrives with READY=1.
  EXPECT_THAT(container_->UnitProperty(kService, "StatusText"),
              HasSubstr("serving"));
  EXPECT_EQ(container_->UnitProperty(kService, "NRestarts"), "0");
}

// 2. A user in group bpfwarden, not root, reads a map through the socket.
TEST_F(RealSystemdTest, GroupMemberReadsMap) {
  InstallDaemon(absl::StrCat(kBuiltinSet, kReadPolicy));
  AddUser("bpfwtest", /*member=*/true);
  Systemctl({"start", kSocket});
  const std::vector<std::string> map_get = {"setpriv",
                                            "--reuid=bpfwtest",
                                            "--regid=bpfwtest",
                                            "--init-groups",
                                            "/opt/bpfwarden/bpfwarden",
                                            "map",
                                            "bpfwarden",
                                            "tcp_stats"};
  auto out = container_->Check(map_get);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(*out, HasSubstr("tcp_stats"));
  // Not in the group: the socket itself refuses.
  AddUser("bpfwother", /*member=*/false);
  auto denied = container_->Exec(
      {"setpriv", "--reuid=bpfwother", "--regid=bpfwother", "--init-groups",
       "/opt/bpfwarden/bpfwarden", "map", "bpfwarden", "tcp_stats"});
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_NE(denied->exit_code, 0) << denied->out;
}

// 6. Under journald, AUDIT records carry structured fields: journalctl
// finds the writes to a map, and the denials, by field.
TEST_F(RealSystemdTest, JournalFindsAuditRecordsByField) {
  InstallDaemon(absl::StrCat(kBuiltinSet, kReadPolicy));
  AddUser("bpfwtest", /*member=*/true);
  const std::string uid =
      container_->Check({"id", "-u", "bpfwtest"}).value_or("?");
  Systemctl({"start", kService});
  const std::vector<std::string> update = {
      "/opt/bpfwarden/bpfwarden",
      "update",
      "bpfwarden",
      "tcp_tune_rules",
      R"({"prefixlen": 104, "addr": "10.1.0.0"})",
      R"({"rule_id": 7, "congestion": "reno"})",
      "--zero_fill"};
  ASSERT_TRUE(container_->Check(update).ok());
  std::vector<std::string> as_user = {"setpriv", "--reuid=bpfwtest",
                                      "--regid=bpfwtest", "--init-groups"};
  as_user.insert(as_user.end(), update.begin(), update.end());
  auto denied = container_->Exec(as_user);
  ASSERT_TRUE(denied.ok());
  EXPECT_NE(denied->exit_code, 0);

  const auto journal = [&](const std::vector<std::string>& matches) {
    std::vector<std::string> argv = {"journalctl", "--no-pager", "-o", "json"};
    argv.insert(argv.end(), matches.begin(), matches.end());
    return container_->Check(argv).value_or("");
  };
  std::string writes;
  EXPECT_TRUE(WaitFor([&] {
    writes = journal(
        {"BPFWARDEN_MAP=tcp_tune_rules", "BPFWARDEN_METHOD=Maps.Update"});
    return absl::StrContains(writes, "PERMISSION_DENIED");
  })) << writes;
  EXPECT_THAT(writes, HasSubstr(R"("BPFWARDEN_RESULT":"OK")"));
  EXPECT_THAT(writes, HasSubstr(R"("BPFWARDEN_CALLER_UID":"0")"));
  EXPECT_THAT(writes, HasSubstr(R"("BPFWARDEN_SET":"bpfwarden")"));
  EXPECT_THAT(writes, HasSubstr(R"("PRIORITY":"5")"));
  EXPECT_THAT(writes, HasSubstr(R"("MESSAGE":"AUDIT who=)"));
  EXPECT_THAT(writes,
              ::testing::ContainsRegex("BPFWARDEN_CALLER_PID\":\"[1-9]"));
  const std::string by_user = journal(
      {absl::StrCat("BPFWARDEN_CALLER_UID=", absl::StripAsciiWhitespace(uid)),
       "BPFWARDEN_RESULT=PERMISSION_DENIED"});
  EXPECT_THAT(by_user, HasSubstr("tcp_tune_rules"));
  EXPECT_THAT(by_user, ::testing::Not(HasSubstr(R"("BPFWARDEN_RESULT":"OK")")));
}

// The BPF programs' own log records reach journald with their fields
// (issue 13): tcp_tune, attached to a unit of the container, warns when a
// rule names a congestion control the kernel does not have.
TEST_F(RealSystemdTest, JournalFindsBpfLogRecordsByField) {
  InstallDaemon(
      absl::StrCat(kBuiltinSet,
                   "attachments { program_set: \"bpfwarden\" program: "
                   "\"tcp_tune_sockops\" unit: \"bwlog.service\" }\n"));
  Systemctl({"start", kService});
  ASSERT_TRUE(container_
                  ->Check({"/opt/bpfwarden/bpfwarden", "update", "bpfwarden",
                           "tcp_tune_rules",
                           R"({"prefixlen": 104, "addr": "127.0.0.0"})",
                           R"({"rule_id": 7, "congestion": "nosuchcc"})",
                           "--zero_fill"})
                  .ok());
  // Loopback connections from the unit, one every 100 ms: both ends reach
  // ESTABLISHED, where tcp_tune sets the rule's congestion control.
  ASSERT_TRUE(container_
                  ->Check({"systemd-run", "--unit", "bwlog.service",
                           "/usr/bin/python3", "-c",
                           "import socket, time\n"
                           "l = socket.create_server(('127.0.0.1', 0))\n"
                           "while True:\n"
                           "  c = socket.create_connection(l.getsockname())\n"
                           "  a, _ = l.accept(); c.close(); a.close()\n"
                           "  time.sleep(0.1)\n"})
                  .ok());
  std::string records;
  EXPECT_TRUE(WaitFor([&] {
    records = container_
                  ->Check({"journalctl", "--no-pager", "-o", "json",
                           "BPFWARDEN_PROGRAM=tcp_tune_sockops", "PRIORITY=4"})
                  .value_or("");
    return absl::StrContains(records, "nosuchcc");
  })) << records;
  EXPECT_THAT(records,
              HasSubstr("congestion control nosuchcc refused for 127.0.0.1, "
                        "rule 7"));
  EXPECT_THAT(records, HasSubstr(R"("BPFWARDEN_SET":"bpfwarden")"));
  EXPECT_THAT(records, HasSubstr(R"("PRIORITY":"4")"));
  EXPECT_THAT(records,
              HasSubstr(R"("BPFWARDEN_LOG_SITE":"bpf/tcp_tune.bpf.c:)"));
  Systemctl({"stop", "bwlog.service"});
}

// 5. The watchdog restarts a daemon whose core stops answering. The stall
// comes from the testonly bpfwardend_for_tests (daemon/test_hooks.h); the
// shipped binary does not even know the flag.
TEST_F(RealSystemdTest, WatchdogRestartsAStalledDaemon) {
  auto shipped = RunProgram(
      {Runfile("daemon/bpfwardend"), "--test_stall_file=/nonexistent"});
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_NE(shipped->exit_code, 0);
  EXPECT_THAT(shipped->err, HasSubstr("test_stall_file"));

  daemon_runfile_ = "daemon/bpfwardend_for_tests";
  const std::string stall = "/run/bpfwarden/test-stall";
  // The stall needs an attachment to hold the lock in: one that waits for
  // a unit that never comes.
  InstallDaemon(absl::StrCat(kBuiltinSet,
                             "attachments { program_set: \"bpfwarden\" "
                             "program: \"tcp_stats_sockops\" "
                             "unit: \"absent.service\" }\n"),
                absl::StrCat("--test_stall_file=", stall), "WatchdogSec=2s");
  Systemctl({"start", kService});
  EXPECT_EQ(container_->UnitProperty(kService, "WatchdogUSec"), "2s");
  const std::string first = container_->UnitProperty(kService, "MainPID");
  // Healthy: three intervals pass without a restart (the time passing is
  // what is tested, so this sleep stays).
  absl::SleepFor(absl::Seconds(6));
  EXPECT_EQ(container_->UnitProperty(kService, "NRestarts"), "0");
  EXPECT_EQ(container_->UnitProperty(kService, "MainPID"), first);

  ASSERT_TRUE(WriteFile(container_->HostPath(stall), "").ok());
  EXPECT_TRUE(WaitFor(
      [&] { return container_->UnitProperty(kService, "NRestarts") == "1"; },
      30));
  EXPECT_TRUE(WaitFor([&] {
    return container_->UnitProperty(kService, "ActiveState") == "active";
  }));
  EXPECT_NE(container_->UnitProperty(kService, "MainPID"), first);
  auto journal =
      container_->Check({"journalctl", "--no-pager", "-u", kService});
  ASSERT_TRUE(journal.ok());
  EXPECT_THAT(*journal, HasSubstr("Watchdog timeout"));
  EXPECT_THAT(*journal, HasSubstr("the core stops answering"));
}

}  // namespace
}  // namespace bpfwarden::testing
