// Attachments by systemd unit under a real systemd 252 (an nspawn container,
// tests/systemd/nspawn_container.h): a transient unit followed through
// restart, stop and start; reload, stop and SIGKILL of the daemon; the
// hardened unit serving with its capabilities; the bus going away.
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bpf/include/tcp_stats.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/cgroup.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "bpfwarden/v1/api.grpc.pb.h"
#include "tests/systemd/real_systemd_fixture.h"
#include "tests/systemd/systemd_fixture.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/default_object.h"
#include "tests/testing/files.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A transient unit's workload: loopback connections, one every 100 ms.
constexpr char kDemo[] = "demo.service";
constexpr char kTrafficLoop[] =
    "import socket, time\n"
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(16)\n"
    "while True:\n"
    "    c = socket.create_connection(s.getsockname()); a, _ = s.accept()\n"
    "    c.sendall(b'x' * 100); a.recv(100); c.close(); a.close()\n"
    "    time.sleep(0.1)\n";

class UnitAttachTest : public RealSystemdTest {
 protected:
  void StartDemo() {
    ASSERT_TRUE(container_
                    ->Check({"systemd-run", "--unit", kDemo, "/usr/bin/python3",
                             "-c", kTrafficLoop})
                    .ok());
  }
  // The demo's cgroup on the host and its id (0 while it has none).
  std::string DemoCgroup() const { return UnitCgroup(kDemo); }
  uint64_t DemoCgroupId() const { return CgroupId(DemoCgroup()).value_or(0); }
  bool SockOpsAttached(const std::string& cgroup) const {
    auto ids = AttachedProgramIds(cgroup, BPF_CGROUP_SOCK_OPS);
    return ids.ok() && !ids->empty();
  }
  // tcp_stats, read from its pin on the host, has a peer counted under
  // cgroup `id`.
  bool CountedUnder(uint64_t id) const {
    const std::string pin =
        scope_->pins().path() + "/bpfwarden/bpfwarden/tcp_stats";
    UniqueFd fd(bpf_obj_get(pin.c_str()));
    if (!fd) return false;
    for (const auto& [key, value] :
         MapEntries<tcp_stats_key, tcp_stats_value>(fd.get())) {
      if (key.cgroup_id == id && value.active_opens > 0) return true;
    }
    return false;
  }
  // Attachments.List over the socket: ours.
  std::vector<v1::AttachmentInfo> Listed() const {
    auto stub = v1::Attachments::NewStub(
        grpc::CreateChannel(absl::StrCat("unix:", ApiSocket()),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    v1::ListAttachmentsResponse resp;
    grpc::Status s = stub->List(&ctx, v1::ListAttachmentsRequest(), &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.attachments().begin(), resp.attachments().end()};
  }
  // Every program of ours (named tcp_*; systemd attaches its own sd_fw_*)
  // attached anywhere in the container's cgroups, asked from the host.
  std::vector<std::string> AttachedInContainer() const {
    std::vector<std::string> dirs = {container_->payload_cgroup()};
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dirs[0], ec);
         !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_directory(ec)) dirs.push_back(it->path().string());
    }
    std::vector<std::string> out;
    for (const std::string& dir : dirs) {
      for (const std::string& p : AttachedAnyType(dir)) {
        if (p.find(":tcp_") != std::string::npos) out.push_back(dir + " " + p);
      }
    }
    return out;
  }
};

// 3. A transient unit gets tcp_stats by unit name; its traffic is counted
// under its cgroup id; a restart moves the attachment to the new cgroup; a
// stop makes it wait, and a start attaches it again, within one second.
TEST_F(UnitAttachTest, FollowsTheUnit) {
  InstallDaemon(kBuiltinSet);
  Systemctl({"start", kService});
  auto none =
      container_->Exec({"/opt/bpfwarden/bpfwarden", "attach", "bpfwarden",
                        "tcp_stats_sockops", "--unit=nosuch.service"});
  ASSERT_TRUE(none.ok());
  EXPECT_NE(none->exit_code, 0);
  EXPECT_THAT(none->err, HasSubstr("NOT_FOUND"));

  StartDemo();
  auto attached =
      container_->Check({"/opt/bpfwarden/bpfwarden", "attach", "bpfwarden",
                         "tcp_stats_sockops", "--unit=demo.service"});
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_THAT(*attached, HasSubstr("demo.service"));
  const uint64_t first = DemoCgroupId();
  ASSERT_NE(first, 0u);
  EXPECT_TRUE(SockOpsAttached(DemoCgroup()));
  EXPECT_TRUE(WaitFor([&] { return CountedUnder(first); }));

  Systemctl({"restart", kDemo});
  const uint64_t second = DemoCgroupId();
  ASSERT_NE(second, 0u);
  EXPECT_NE(second, first);
  // The daemon follows the unit on the bus's signals (milliseconds); 5 s
  // leaves a loaded machine room and still tells them from the bus's
  // reconnect backoff (up to 10 s).
  EXPECT_TRUE(WaitFor([&] { return SockOpsAttached(DemoCgroup()); }, 5))
      << "not attached to the restarted unit's cgroup within 5 s";
  EXPECT_TRUE(WaitFor([&] { return CountedUnder(second); }));

  Systemctl({"stop", kDemo});
  EXPECT_TRUE(WaitFor([&] {
    auto list = Listed();
    return list.size() == 1 && list[0].waiting() && list[0].cgroup().empty();
  }));
  EXPECT_THAT(container_->UnitProperty(kService, "StatusText"),
              HasSubstr("waiting for units: demo.service"));
  auto listed = container_->Check(
      {"/opt/bpfwarden/bpfwarden", "attachments", "-o", "json"});
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(*listed, HasSubstr("\"waiting\": true"));

  StartDemo();
  EXPECT_TRUE(WaitFor([&] { return SockOpsAttached(DemoCgroup()); }, 5))
      << "not attached again within 5 s of the start";
  EXPECT_TRUE(WaitFor([&] { return CountedUnder(DemoCgroupId()); }));
  EXPECT_THAT(container_->UnitProperty(kService, "StatusText"),
              ::testing::Not(HasSubstr("waiting")));
  // A waiting attachment detached: STATUS= no longer names its unit.
  Systemctl({"stop", kDemo});
  ASSERT_TRUE(WaitFor([&] {
    auto list = Listed();
    return list.size() == 1 && list[0].waiting();
  }));
  ASSERT_TRUE(
      container_
          ->Check({"/opt/bpfwarden/bpfwarden", "detach", Listed()[0].id()})
          .ok());
  EXPECT_TRUE(WaitFor([&] {
    return !absl::StrContains(container_->UnitProperty(kService, "StatusText"),
                              "waiting");
  }));
  // Following the unit is routine: no warning or error on the way.
  for (const char* level :
       {"BPFWARDEN_LEVEL=WARNING", "BPFWARDEN_LEVEL=ERROR"}) {
    auto records = container_->Check({"journalctl", "-q", "--no-pager",
                                      "SYSLOG_IDENTIFIER=bpfwardend", level});
    ASSERT_TRUE(records.ok()) << records.status();
    EXPECT_EQ(*records, "") << level;
  }
}

// 4. `systemctl reload` reconciles (an attachment by unit added in the
// config appears); `systemctl stop` leaves no attachment anywhere, and
// neither does `systemctl kill -s KILL`.
TEST_F(UnitAttachTest, ReloadStopAndKill) {
  // The bus by address (--systemd_bus=ADDRESS), here the system bus's.
  InstallDaemon(kBuiltinSet,
                "--systemd_bus=unix:path=/run/dbus/system_bus_socket");
  StartDemo();
  Systemctl({"start", kService});
  EXPECT_FALSE(SockOpsAttached(DemoCgroup()));
  WriteConfig(absl::StrCat(kBuiltinSet,
                           "attachments { program_set: \"bpfwarden\" "
                           "program: \"tcp_stats_sockops\" "
                           "unit: \"demo.service\" }\n"));
  Systemctl({"reload", kService});
  EXPECT_TRUE(WaitFor([&] { return SockOpsAttached(DemoCgroup()); }));

  Systemctl({"stop", kService});
  EXPECT_THAT(AttachedInContainer(), IsEmpty());

  Systemctl({"start", kService});
  EXPECT_TRUE(WaitFor([&] { return SockOpsAttached(DemoCgroup()); }));
  const std::vector<std::string> before = AttachedInContainer();
  ASSERT_FALSE(before.empty());
  Systemctl({"kill", "-s", "KILL", kService});
  // Restart=on-failure brings a new daemon with new programs: none of the
  // killed daemon's programs may stay attached.
  EXPECT_TRUE(WaitFor([&] {
    for (const std::string& now : AttachedInContainer()) {
      if (std::find(before.begin(), before.end(), now) != before.end()) {
        return false;
      }
    }
    return true;
  })) << "the killed daemon's attachments stayed";
}

// 7. The shipped, hardened unit starts, attaches (by cgroup and by unit)
// and serves with its capability set alone, and `systemd-analyze security`
// rates it OK or better.
TEST_F(UnitAttachTest, HardenedUnitServesWithItsCapabilities) {
  InstallDaemon(
      absl::StrCat(kBuiltinSet,
                   "attachments { program_set: \"bpfwarden\" "
                   "program: \"tcp_tune_sockops\" cgroup: \"/\" }\n"));
  StartDemo();
  Systemctl({"start", kService});
  const std::string pid = container_->UnitProperty(kService, "MainPID");
  const std::string status =
      ReadFile(container_->HostPath(absl::StrCat("/proc/", pid, "/status")));
  // CAP_SYS_ADMIN (bit 21), and CAP_NET_ADMIN (12) and CAP_BPF (39) for
  // scoped administrators' loads; nothing else, bounding and effective.
  EXPECT_THAT(status, HasSubstr("CapBnd:\t0000008000201000"));
  EXPECT_THAT(status, HasSubstr("CapEff:\t0000008000201000"));
  EXPECT_TRUE(SockOpsAttached(container_->payload_cgroup()));
  auto attached =
      container_->Check({"/opt/bpfwarden/bpfwarden", "attach", "bpfwarden",
                         "tcp_stats_sockops", "--unit=demo.service"});
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_TRUE(SockOpsAttached(DemoCgroup()));
  EXPECT_TRUE(WaitFor([&] { return CountedUnder(DemoCgroupId()); }));
  auto foreign = container_->Check(
      {"/opt/bpfwarden/bpfwarden", "attachments", "--foreign"});
  EXPECT_TRUE(foreign.ok()) << foreign.status();

  auto security = container_->Check(
      {"systemd-analyze", "security", "--no-pager", kService});
  ASSERT_TRUE(security.ok()) << security.status();
  const size_t at = security->find("Overall exposure level");
  ASSERT_NE(at, std::string::npos) << *security;
  const std::string overall =
      security->substr(at, security->find('\n', at) - at);
  std::cout << "systemd-analyze security: " << overall << std::endl;
  RecordProperty("systemd_analyze_security", overall);
  EXPECT_TRUE(absl::StrContains(overall, " OK") ||
              absl::StrContains(overall, " SAFE") ||
              absl::StrContains(overall, " PERFECT"))
      << overall;
}

// The bus goes away (dbus-daemon killed): the daemon keeps serving and
// keeps its attachment, logs the loss once, reconnects when the bus is back
// and follows the unit again.
TEST_F(UnitAttachTest, SurvivesTheBusGoingAway) {
  InstallDaemon(kBuiltinSet);
  StartDemo();
  Systemctl({"start", kService});
  ASSERT_TRUE(container_
                  ->Check({"/opt/bpfwarden/bpfwarden", "attach", "bpfwarden",
                           "tcp_stats_sockops", "--unit=demo.service"})
                  .ok());
  // Followed once, so the daemon's own bus connection is up.
  Systemctl({"restart", kDemo});
  ASSERT_TRUE(WaitFor([&] { return SockOpsAttached(DemoCgroup()); }));
  const auto log = [&] {
    return container_
        ->Check({"journalctl", "--no-pager", "SYSLOG_IDENTIFIER=bpfwardend"})
        .value_or("");
  };
  Systemctl({"kill", "-s", "KILL", "dbus.service"});
  EXPECT_TRUE(WaitFor([&] {
    return absl::StrContains(log(), "systemd bus system lost");
  })) << "the loss was not logged";
  EXPECT_TRUE(SockOpsAttached(DemoCgroup()));
  EXPECT_TRUE(StatusOver(ApiSocket()).ok());
  // dbus.socket starts the bus again on its next use.
  Systemctl({"restart", kDemo});
  EXPECT_TRUE(WaitFor([&] { return SockOpsAttached(DemoCgroup()); }, 15))
      << "not following the unit after the bus came back";
  const std::string text = log();
  size_t losses = 0;
  for (size_t at = text.find(" lost ("); at != std::string::npos;
       at = text.find(" lost (", at + 1)) {
    ++losses;
  }
  EXPECT_EQ(losses, 1u) << text;
}

}  // namespace
}  // namespace bpfwarden::testing
