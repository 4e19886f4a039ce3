// bpfwardend as a subprocess on a real kernel: SIGTERM detaches and exits 0,
// SIGKILL leaves nothing attached, a restart keeps map data and re-attaches,
// pinned links outlive a restart only when asked, SIGHUP reconciles.
#include "tests/testing/daemon_process.h"

#include <bpf/bpf.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "absl/strings/str_cat.h"
#include "bpf/include/tcp_stats.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/cgroup_link.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/core_testing.h"
#include "tests/testing/default_object.h"
#include "tests/testing/files.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::AttachedAnyType;
using ::bpfwarden::testing::DaemonProcess;
using ::bpfwarden::testing::MapEntries;
using ::bpfwarden::testing::PinsUnder;
using ::bpfwarden::testing::RunTcpExchangeIn;
using ::bpfwarden::testing::ScopedCgroup;
using ::bpfwarden::testing::ScopedPinDir;
using ::bpfwarden::testing::TcpExchange;
using ::bpfwarden::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class DaemonProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    auto scope =
        testing::TestScope::Create("proc-" + testing::CurrentTestTag());
    ASSERT_TRUE(scope.ok()) << scope.status();
    scope_.emplace(*std::move(scope));
    cgroup_ = &scope_->cgroup();
    auto dir = testing::ScopedTempDir::Create("proc");
    ASSERT_TRUE(dir.ok()) << dir.status();
    temp_dir_.emplace(*std::move(dir));
    dir_ = temp_dir_->path();
    std::filesystem::create_directories(dir_ + "/etc");
    pin_root_ = scope_->pins().path() + "/root";
  }

  // Pinned links are removed by the tests themselves; anything left is
  // residue.
  void TearDown() override {
    daemon_.reset();  // SIGKILL if still running
    if (scope_) {
      EXPECT_THAT(scope_->Finish(), IsEmpty());
    }
  }

  // Writes the config: the builtin set and the given attachments (program,
  // pinned) on the test's cgroup.
  void WriteConfig(
      const std::vector<std::pair<std::string, bool>>& attachments) {
    std::string text = "program_sets { name: \"bpfwarden\" builtin: true }\n";
    for (const auto& [program, pinned] : attachments) {
      absl::StrAppend(&text,
                      "attachments { program_set: \"bpfwarden\" program: \"",
                      program, "\" cgroup: \"", cgroup_->path(), "\"",
                      pinned ? " pinned: true" : "", " }\n");
    }
    ASSERT_TRUE(
        testing::WriteFile(dir_ + "/etc/bpfwarden.textproto", text).ok());
  }

  void StartDaemon(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "--pin_root=" + pin_root_, "--config_dir=" + dir_ + "/etc",
        "--state_dir=" + dir_ + "/state", "--api_socket="};
    args.insert(args.end(), extra.begin(), extra.end());
    auto daemon = DaemonProcess::Start(args, dir_ + "/daemon.log");
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_.emplace(*std::move(daemon));
  }

  // Waits until `n` programs are attached to the cgroup.
  void WaitAttached(size_t n) {
    bool ok =
        WaitFor([&] { return AttachedAnyType(cgroup_->path()).size() == n; });
    ASSERT_TRUE(ok) << "expected " << n << " attached programs, have "
                    << ::testing::PrintToString(
                           AttachedAnyType(cgroup_->path()))
                    << "; daemon log:\n"
                    << (daemon_ ? daemon_->Log() : "");
  }

  // Waits until `n` links are pinned. The daemon pins a link just after
  // attaching it, so an attachment alone does not mean its pin exists yet.
  void WaitPinnedLinks(size_t n) {
    ASSERT_TRUE(WaitFor([&] {
      return PinsUnder(pin_root_ + "/bpfwarden/pinned-links").size() == n;
    })) << "expected "
        << n << " pinned links; daemon log:\n"
        << (daemon_ ? daemon_->Log() : "");
  }

  int StopDaemon(int sig) {
    EXPECT_TRUE(daemon_->Signal(sig).ok());
    auto status = daemon_->Wait();
    EXPECT_TRUE(status.ok()) << status.status() << "\n" << daemon_->Log();
    const std::string log = daemon_->Log();
    daemon_.reset();
    last_log_ = log;
    return status.ok() ? *status : -1;
  }

  uint64_t ActiveOpens() {
    UniqueFd map(bpf_obj_get((pin_root_ + "/bpfwarden/tcp_stats").c_str()));
    EXPECT_TRUE(map.valid());
    uint64_t active = 0;
    for (const auto& [key, value] :
         MapEntries<tcp_stats_key, tcp_stats_value>(map.get())) {
      if (key.cgroup_id == cgroup_->id()) active += value.active_opens;
    }
    return active;
  }

  void Traffic(int connections) {
    auto r =
        RunTcpExchangeIn(*cgroup_, TcpExchange{.family = AF_INET,
                                               .connections = connections,
                                               .bytes_per_connection = 100});
    ASSERT_TRUE(r.ok()) << r.status();
  }

  std::optional<testing::TestScope> scope_;
  const ScopedCgroup* cgroup_ = nullptr;
  std::optional<testing::ScopedTempDir> temp_dir_;
  std::optional<DaemonProcess> daemon_;
  std::string dir_, pin_root_, last_log_;
};

// 2. SIGTERM: everything detached, exit status 0, maps stay pinned.
TEST_F(DaemonProcessTest, SigtermDetachesAndExitsZero) {
  WriteConfig({{"tcp_stats_sockops", false}, {"tcp_tune_sockops", false}});
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(2);
  const int status = StopDaemon(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << status << last_log_;
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), IsEmpty());
  EXPECT_TRUE(std::filesystem::exists(pin_root_ + "/bpfwarden/tcp_stats"));
  EXPECT_THAT(last_log_, HasSubstr("shut down: 2 attachments released"));
}

TEST_F(DaemonProcessTest, SigintDetachesAndExitsZero) {
  WriteConfig({{"tcp_stats_sockops", false}});
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(1);
  const int status = StopDaemon(SIGINT);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << status << last_log_;
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), IsEmpty());
}

// 3. SIGKILL: no cleanup code runs, and still nothing stays attached.
TEST_F(DaemonProcessTest, SigkillLeavesNothingAttached) {
  WriteConfig({{"tcp_stats_sockops", false}, {"tcp_tune_sockops", false}});
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(2);
  const int status = StopDaemon(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  EXPECT_THAT(last_log_, ::testing::Not(HasSubstr("shut down")));
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), IsEmpty());
}

// 4. A restart keeps map data, and the attachment is back and counting into
// the same map.
TEST_F(DaemonProcessTest, RestartKeepsDataAndReattaches) {
  WriteConfig({{"tcp_stats_sockops", false}});
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(1);
  Traffic(2);
  EXPECT_EQ(ActiveOpens(), 2u);
  ASSERT_EQ(StopDaemon(SIGTERM), 0) << last_log_;
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), IsEmpty());
  EXPECT_EQ(ActiveOpens(), 2u);  // pinned, with its data

  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(1);
  Traffic(3);
  EXPECT_EQ(ActiveOpens(), 5u);
  ASSERT_EQ(StopDaemon(SIGTERM), 0) << last_log_;
  EXPECT_THAT(last_log_, HasSubstr("reused from pins"));
}

uint32_t LinkIdOfPin(const std::string& pin) {
  UniqueFd link(bpf_obj_get(pin.c_str()));
  if (!link) return 0;
  auto info = GetLinkInfo(link.get());
  return info.ok() ? info->link_id : 0;
}

// Pinned links: kept across a restart only when asked, adopted by the next
// start (the same link, pointed at the new program), removed by a clean
// shutdown otherwise, and removed at start when the config no longer has them.
TEST_F(DaemonProcessTest, PinnedLinkLifecycle) {
  WriteConfig({{"tcp_stats_sockops", true}});
  ASSERT_NO_FATAL_FAILURE(StartDaemon({"--keep_pinned_links"}));
  WaitAttached(1);
  WaitPinnedLinks(1);
  auto links = PinsUnder(pin_root_ + "/bpfwarden/pinned-links");
  ASSERT_THAT(links, SizeIs(1));
  const std::string pin = links[0];
  const uint32_t link_id = LinkIdOfPin(pin);
  ASSERT_NE(link_id, 0u);
  const std::vector<std::string> before = AttachedAnyType(cgroup_->path());

  // A restart that keeps pinned links: attached and counting meanwhile.
  ASSERT_EQ(StopDaemon(SIGTERM), 0) << last_log_;
  EXPECT_EQ(AttachedAnyType(cgroup_->path()), before);
  Traffic(1);
  EXPECT_EQ(ActiveOpens(), 1u);

  // The next start adopts the same link and points it at its own program.
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  ASSERT_TRUE(WaitFor([&] {
    return daemon_->Log().find("adopted") != std::string::npos;
  })) << daemon_->Log();
  WaitAttached(1);
  EXPECT_EQ(LinkIdOfPin(pin), link_id);
  EXPECT_NE(AttachedAnyType(cgroup_->path()), before);  // the new program

  // A plain clean shutdown detaches pinned links too.
  ASSERT_EQ(StopDaemon(SIGTERM), 0) << last_log_;
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), IsEmpty());
  EXPECT_FALSE(std::filesystem::exists(pin));

  // SIGKILL leaves a pinned link attached (that is what pinning is for)...
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(1);
  WaitPinnedLinks(1);
  StopDaemon(SIGKILL);
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), SizeIs(1));
  // ...and a start whose config no longer has it removes it.
  WriteConfig({});
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(0);
  EXPECT_THAT(PinsUnder(pin_root_ + "/bpfwarden/pinned-links"), IsEmpty());
  ASSERT_EQ(StopDaemon(SIGTERM), 0) << last_log_;
  EXPECT_THAT(last_log_, HasSubstr("removing pinned link"));
}

// SIGHUP reconciles: new attachments added, removed ones detached, the
// unchanged one untouched; a broken config is refused and the daemon keeps
// running on the old one.
TEST_F(DaemonProcessTest, SighupReconciles) {
  WriteConfig({{"tcp_stats_sockops", false}});
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(1);
  const std::vector<std::string> first = AttachedAnyType(cgroup_->path());
  ASSERT_THAT(first, SizeIs(1)) << daemon_->Log();
  const std::string stats = first[0];

  WriteConfig({{"tcp_stats_sockops", false}, {"tcp_tune_sockops", false}});
  ASSERT_TRUE(daemon_->Signal(SIGHUP).ok());
  WaitAttached(2);
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), ::testing::Contains(stats));

  WriteConfig({{"tcp_tune_sockops", false}});
  ASSERT_TRUE(daemon_->Signal(SIGHUP).ok());
  WaitAttached(1);
  EXPECT_THAT(AttachedAnyType(cgroup_->path()),
              ElementsAre(HasSubstr("tcp_tune_sockops")));

  ASSERT_TRUE(testing::WriteFile(dir_ + "/etc/bpfwarden.textproto",
                                 "program_sets { nme: 1 }\n")
                  .ok());
  absl::Status refused = daemon_->SignalAndAwaitLog(SIGHUP, "reload refused");
  ASSERT_TRUE(refused.ok()) << refused;
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), SizeIs(1));
  ASSERT_EQ(StopDaemon(SIGTERM), 0) << last_log_;
}

// A corrupt state file: a clear error in the log, and the daemon starts from
// its configuration.
TEST_F(DaemonProcessTest, CorruptStateFile) {
  std::filesystem::create_directories(dir_ + "/state");
  ASSERT_TRUE(
      testing::WriteFile(dir_ + "/state/state.textproto", "\x01\x02 torn")
          .ok());
  WriteConfig({{"tcp_stats_sockops", false}});
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  WaitAttached(1);
  ASSERT_EQ(StopDaemon(SIGTERM), 0) << last_log_;
  EXPECT_THAT(last_log_, HasSubstr("ignoring the state file"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/state/state.textproto.corrupt"));
}

// A config that does not parse stops the start with exit status 1 and the
// file and line in the message; nothing is attached.
TEST_F(DaemonProcessTest, BadConfigAtStart) {
  ASSERT_TRUE(testing::WriteFile(dir_ + "/etc/broken.textproto",
                                 "program_sets {\n  nme: 1\n}\n")
                  .ok());
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  auto status = daemon_->Wait();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << *status;
  EXPECT_THAT(daemon_->Log(), HasSubstr("broken.textproto: line 2"));
  EXPECT_THAT(AttachedAnyType(cgroup_->path()), IsEmpty());
  daemon_.reset();
}

}  // namespace
}  // namespace bpfwarden
