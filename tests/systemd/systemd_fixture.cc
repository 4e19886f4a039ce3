#include "tests/systemd/systemd_fixture.h"

#include <linux/bpf.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "bpfwarden/v1/api.grpc.pb.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/files.h"
#include "tests/testing/kernel_env.h"

namespace bpfwarden::testing {

absl::StatusOr<UniqueFd> BindUnix(const std::string& path, int type) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": too long"));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  UniqueFd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus(errno, "socket(AF_UNIX)");
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr),
             sizeof(addr)) != 0) {
    return ErrnoStatus(errno, absl::StrCat("bind ", path));
  }
  if (type == SOCK_STREAM && ::listen(fd.get(), SOMAXCONN) != 0) {
    return ErrnoStatus(errno, absl::StrCat("listen ", path));
  }
  return fd;
}

absl::StatusOr<v1::StatusResponse> StatusOver(const std::string& path) {
  auto stub = v1::Daemon::NewStub(grpc::CreateChannel(
      absl::StrCat("unix:", path), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::StatusResponse resp;
  grpc::Status s = stub->Status(&ctx, v1::StatusRequest(), &resp);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("Daemon.Status over ", path, ": ", s.error_message()));
  }
  return resp;
}

void CreateScopeAndWorkDir(const std::string& prefix,
                           std::optional<TestScope>& scope,
                           std::optional<ScopedTempDir>& work) {
  const std::string tag = absl::StrCat(prefix, "-", CurrentTestTag());
  auto made = TestScope::Create(tag);
  ASSERT_TRUE(made.ok()) << made.status();
  scope.emplace(*std::move(made));
  auto dir = ScopedTempDir::Create(tag);
  ASSERT_TRUE(dir.ok()) << dir.status();
  work.emplace(*std::move(dir));
}

void SystemdFixture::SetUp() {
  BPFWARDEN_REQUIRE_KERNEL();
  CreateScopeAndWorkDir("sd", scope_, work_);
  if (HasFatalFailure()) return;
  ASSERT_EQ(::mkdir((work() + "/config").c_str(), 0755), 0);
  ASSERT_TRUE(
      WriteFile(work() + "/config/10-test.textproto",
                absl::StrCat("program_sets { name: \"bpfwarden\" "
                             "builtin: true }\n"
                             "attachments { program_set: \"bpfwarden\" "
                             "program: \"tcp_stats_sockops\" cgroup: \"",
                             scope_->cgroup().path(), "\" }\n"))
          .ok());
}

void SystemdFixture::TearDown() {
  daemon_.reset();  // SIGKILL if still running
  if (scope_.has_value()) {
    EXPECT_THAT(scope_->Finish(), ::testing::IsEmpty());
  }
}

void SystemdFixture::StartDaemon(const std::string& api_socket,
                                 const SpawnOptions& spawn) {
  auto daemon = DaemonProcess::Start(
      {
          absl::StrCat("--pin_root=", scope_->pins().path()),
          absl::StrCat("--config_dir=", work(), "/config"),
          "--state_dir=",
          absl::StrCat("--api_socket=", api_socket),
          "--api_socket_group=nogroup",
      },
      work() + "/daemon.log", spawn);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  daemon_.emplace(*std::move(daemon));
}

size_t SystemdFixture::Attached() const {
  auto ids = AttachedProgramIds(scope_->cgroup().path(), BPF_CGROUP_SOCK_OPS);
  EXPECT_TRUE(ids.ok()) << ids.status();
  return ids.ok() ? ids->size() : 0;
}

int SystemdFixture::WaitExit() {
  auto status = daemon_->Wait();
  EXPECT_TRUE(status.ok()) << status.status() << "\n" << daemon_->Log();
  if (!status.ok()) return -1;
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

}  // namespace bpfwarden::testing
