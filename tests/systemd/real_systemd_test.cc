// bpfwardend under a real systemd 252, booted as PID 1 of an nspawn
// container (tests/systemd/nspawn_container.h): the shipped units, socket
// activation, a non-root client, and no residue after the container stops.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/systemd/real_systemd_fixture.h"
#include "tests/systemd/systemd_fixture.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kBuiltinSet[] =
    "program_sets { name: \"bpfwarden\" builtin: true }\n";
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
  // STATUS= arrives with READY=1.
  EXPECT_THAT(container_->UnitProperty(kService, "StatusText"),
              HasSubstr("serving"));
  EXPECT_EQ(container_->UnitProperty(kService, "NRestarts"), "0");
}

// 2. A user in group bpfwarden, not root, reads a map through the socket.
TEST_F(RealSystemdTest, GroupMemberReadsMap) {
  InstallDaemon(absl::StrCat(kBuiltinSet, kReadPolicy));
  ASSERT_TRUE(container_
                  ->Check({"useradd", "--system", "--no-create-home",
                           "--user-group", "--groups", "bpfwarden", "bpfwtest"})
                  .ok());
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
  ASSERT_TRUE(container_
                  ->Check({"useradd", "--system", "--no-create-home",
                           "--user-group", "bpfwother"})
                  .ok());
  auto denied = container_->Exec(
      {"setpriv", "--reuid=bpfwother", "--regid=bpfwother", "--init-groups",
       "/opt/bpfwarden/bpfwarden", "map", "bpfwarden", "tcp_stats"});
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_NE(denied->exit_code, 0) << denied->out;
}

}  // namespace
}  // namespace bpfwarden::testing
