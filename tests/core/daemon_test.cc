// The Daemon in-process on a real kernel: started on the test's pin
// directory, cgroup and an API socket of its own, reloaded with a changed
// configuration (by Reload and by SIGHUP through Serve), stopped; then
// nothing of it lingers: no attachment, no socket, no BPF FD, no pin.
#include "daemon/daemon.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/libbpf_messages.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "bpfwarden/v1/api.grpc.pb.h"
#include "tests/core/core_testing.h"
#include "tests/testing/files.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::AttachedAnyType;
using ::bpfwarden::testing::PinsUnder;
using ::bpfwarden::testing::WaitFor;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Made in main() before any thread, so that every thread of this process
// blocks the control signals and Serve's waiter receives them.
SignalWaiter* g_signals = nullptr;

// This process's FDs on BPF objects (programs, maps, links, BTF).
std::vector<std::string> BpfFds() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::error_code link_ec;
    const std::string target =
        std::filesystem::read_symlink(entry.path(), link_ec).string();
    if (absl::StartsWith(target, "anon_inode:bpf")) {
      out.push_back(
          absl::StrCat(entry.path().filename().string(), " -> ", target));
    }
  }
  return out;
}

bool IsSocket(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    absl::StatusOr<testing::TestScope> scope =
        testing::TestScope::Create("daemon-" + testing::CurrentTestTag());
    ASSERT_TRUE(scope.ok()) << scope.status();
    scope_.emplace(*std::move(scope));
    absl::StatusOr<testing::ScopedTempDir> dir =
        testing::ScopedTempDir::Create("daemon");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_.emplace(*std::move(dir));
    std::filesystem::create_directories(dir_->path() + "/etc");
    options_.config_dir = dir_->path() + "/etc";
    options_.pin_root = scope_->pins().path() + "/root";
    options_.state_dir = dir_->path() + "/state";
    options_.api.unix_socket.path = socket_path();
    options_.api.unix_socket.mode = 0600;
    options_.api.unix_socket.group = "";
    options_.memory_trim_interval = absl::ZeroDuration();
    bpf_fds_before_ = BpfFds();
  }

  // Whatever a test left running is destroyed first (the destructor
  // stops it); then nothing may be left.
  void TearDown() override {
    daemon_.reset();
    if (!scope_.has_value()) return;
    EXPECT_EQ(BpfFds(), bpf_fds_before_);
    EXPECT_FALSE(std::filesystem::exists(socket_path()));
    EXPECT_THAT(scope_->Finish(), IsEmpty());
  }

  std::string socket_path() const { return dir_->path() + "/api.sock"; }
  std::string cgroup() const { return scope_->cgroup().path(); }
  std::vector<std::string> Attached() const {
    return AttachedAnyType(cgroup());
  }

  // The config: the builtin set, and `programs` of it attached to the
  // test's cgroup.
  void WriteConfig(const std::vector<std::string>& programs) {
    std::string text = "program_sets { name: \"bpfwarden\" builtin: true }\n";
    for (const std::string& program : programs) {
      absl::StrAppend(&text,
                      "attachments { program_set: \"bpfwarden\" program: \"",
                      program, "\" cgroup: \"", cgroup(), "\" }\n");
    }
    WriteConfigText(text);
  }
  void WriteConfigText(const std::string& text) {
    ASSERT_TRUE(
        testing::WriteFile(options_.config_dir + "/bpfwarden.textproto", text)
            .ok());
  }

  void StartDaemon() {
    absl::StatusOr<std::unique_ptr<Daemon>> daemon = Daemon::Start(options_);
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  // Daemon.Status through the API socket, as a client sees it.
  absl::StatusOr<v1::StatusResponse> ApiStatus() const {
    std::unique_ptr<v1::Daemon::Stub> stub =
        v1::Daemon::NewStub(grpc::CreateChannel(
            "unix:" + socket_path(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    v1::StatusResponse response;
    grpc::Status s = stub->Status(&context, v1::StatusRequest(), &response);
    if (!s.ok()) return absl::UnavailableError(s.error_message());
    return response;
  }

  DaemonOptions options_;
  std::unique_ptr<Daemon> daemon_;
  std::optional<testing::TestScope> scope_;
  std::optional<testing::ScopedTempDir> dir_;
  std::vector<std::string> bpf_fds_before_;
};

TEST_F(DaemonTest, StartsReloadsAndStops) {
  ASSERT_NO_FATAL_FAILURE(WriteConfig({"tcp_stats_sockops"}));
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  EXPECT_THAT(Attached(), SizeIs(1));
  // What TearDown checks is gone is seen while it runs.
  EXPECT_THAT(BpfFds(), SizeIs(::testing::Gt(bpf_fds_before_.size())));
  EXPECT_EQ(daemon_->api_socket_path(), socket_path());
  EXPECT_TRUE(IsSocket(socket_path()));
  absl::StatusOr<v1::StatusResponse> status = ApiStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->program_sets(), 1u);
  EXPECT_EQ(status->attachments(), 1u);

  // A changed configuration: one more attachment.
  ASSERT_NO_FATAL_FAILURE(
      WriteConfig({"tcp_stats_sockops", "tcp_tune_sockops"}));
  absl::Status reloaded = daemon_->Reload();
  ASSERT_TRUE(reloaded.ok()) << reloaded;
  EXPECT_THAT(Attached(), SizeIs(2));
  status = ApiStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->attachments(), 2u);

  // One that does not parse changes nothing.
  ASSERT_NO_FATAL_FAILURE(WriteConfigText("program_sets {"));
  EXPECT_FALSE(daemon_->Reload().ok());
  EXPECT_THAT(Attached(), SizeIs(2));

  // None: both detached, the set stays.
  ASSERT_NO_FATAL_FAILURE(WriteConfig({}));
  reloaded = daemon_->Reload();
  ASSERT_TRUE(reloaded.ok()) << reloaded;
  EXPECT_THAT(Attached(), IsEmpty());
  ASSERT_NO_FATAL_FAILURE(WriteConfig({"tcp_stats_sockops"}));
  ASSERT_TRUE(daemon_->Reload().ok());
  EXPECT_THAT(Attached(), SizeIs(1));

  absl::Status stopped = daemon_->Stop();
  EXPECT_TRUE(stopped.ok()) << stopped;
  EXPECT_THAT(Attached(), IsEmpty());
  EXPECT_FALSE(std::filesystem::exists(socket_path()));
  EXPECT_TRUE(daemon_->Stop().ok());  // once is enough
  // Maps stay pinned for the next start; links were never pinned.
  EXPECT_THAT(PinsUnder(options_.pin_root + "/bpfwarden"), Not(IsEmpty()));
  EXPECT_THAT(PinsUnder(options_.pin_root + "/bpfwarden/pinned-links"),
              IsEmpty());
}

TEST_F(DaemonTest, ServeReloadsOnSighupAndReturnsOnSigterm) {
  ASSERT_NE(g_signals, nullptr);
  ASSERT_NO_FATAL_FAILURE(WriteConfig({"tcp_stats_sockops"}));
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  absl::Status served = absl::UnknownError("Serve has not returned");
  std::thread serving([&] { served = daemon_->Serve(*g_signals); });

  ASSERT_NO_FATAL_FAILURE(
      WriteConfig({"tcp_stats_sockops", "tcp_tune_sockops"}));
  ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
  const bool reloaded = WaitFor([&] { return Attached().size() == 2; });
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  serving.join();
  EXPECT_TRUE(reloaded) << ::testing::PrintToString(Attached());
  EXPECT_TRUE(served.ok()) << served;

  // Serve only serves: the attachments stay until Stop.
  EXPECT_THAT(Attached(), SizeIs(2));
  absl::Status stopped = daemon_->Stop();
  EXPECT_TRUE(stopped.ok()) << stopped;
  EXPECT_THAT(Attached(), IsEmpty());
}

// A part that fails after the Warden attached: what started is stopped.
TEST_F(DaemonTest, FailedStartLeavesNothing) {
  ASSERT_NO_FATAL_FAILURE(WriteConfig({"tcp_stats_sockops"}));
  options_.metrics_address = "not an address";
  absl::StatusOr<std::unique_ptr<Daemon>> daemon = Daemon::Start(options_);
  ASSERT_FALSE(daemon.ok());
  EXPECT_THAT(std::string(daemon.status().message()),
              ::testing::StartsWith("metrics: "));
  EXPECT_THAT(Attached(), IsEmpty());
  EXPECT_FALSE(std::filesystem::exists(socket_path()));
}

TEST_F(DaemonTest, FailIfNothingApplied) {
  ASSERT_NO_FATAL_FAILURE(WriteConfigText(absl::StrCat(
      "program_sets { name: \"gone\" objects: \"", dir_->path(),
      "/no-such.bpf.o\" }\n"
      "attachments { program_set: \"gone\" program: \"p\" cgroup: \"",
      cgroup(), "\" }\n")));
  // Without the option: started, the failure kept for Daemon.Status.
  ASSERT_NO_FATAL_FAILURE(StartDaemon());
  EXPECT_THAT(daemon_->warden().ApplyFailures(), Not(IsEmpty()));
  EXPECT_TRUE(daemon_->Stop().ok());
  daemon_.reset();

  options_.fail_if_nothing_applied = true;
  absl::StatusOr<std::unique_ptr<Daemon>> daemon = Daemon::Start(options_);
  ASSERT_FALSE(daemon.ok());
  EXPECT_THAT(std::string(daemon.status().message()),
              HasSubstr("could be applied (--fail_if_nothing_applied)"));
  EXPECT_FALSE(std::filesystem::exists(socket_path()));
}

}  // namespace
}  // namespace bpfwarden

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  absl::StatusOr<bpfwarden::SignalWaiter> signals =
      bpfwarden::SignalWaiter::Create();
  if (!signals.ok()) {
    std::cerr << "signals: " << signals.status() << "\n";
    return 1;
  }
  bpfwarden::g_signals = &*signals;
  bpfwarden::InstallLibbpfPrint();  // libbpf's messages, as main() has them
  return RUN_ALL_TESTS();
}
