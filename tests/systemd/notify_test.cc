// sd_notify with the test as systemd: READY=1 only once the API answers and
// the config's attachment is made, RELOADING=1 then READY=1 around a SIGHUP,
// STOPPING=1 at SIGTERM and a clean exit that leaves nothing attached.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/systemd/systemd_fixture.h"
#include "tests/testing/files.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

uint64_t MonotonicMicros() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
}

class NotifyTest : public SystemdFixture {
 protected:
  void SetUp() override {
    SystemdFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    notify_path_ = work() + "/notify.sock";
    auto sock = BindUnix(notify_path_, SOCK_DGRAM);
    ASSERT_TRUE(sock.ok()) << sock.status();
    notify_ = *std::move(sock);
  }

  // The next notification, nullopt after `seconds` without one.
  std::optional<std::string> Next(int seconds = 30) {
    pollfd pfd{notify_.get(), POLLIN, 0};
    if (poll(&pfd, 1, seconds * 1000) != 1) return std::nullopt;
    char buf[4096];
    ssize_t n = recv(notify_.get(), buf, sizeof(buf), 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, n);
  }

  std::string notify_path_;
  UniqueFd notify_;
};

TEST_F(NotifyTest, ReadyReloadingStopping) {
  const std::string api = work() + "/api.sock";
  ASSERT_NO_FATAL_FAILURE(
      StartDaemon(api, {.env = {"NOTIFY_SOCKET=" + notify_path_}}));

  // The first notification is READY=1, and by then the API answers (one
  // attempt, no retry) and the config's attachment is in place.
  std::optional<std::string> ready = Next();
  ASSERT_TRUE(ready.has_value()) << "no notification; log:\n" << daemon_->Log();
  EXPECT_EQ(*ready, absl::StrCat("READY=1\nSTATUS=serving on ", api));
  auto status = StatusOver(api);
  ASSERT_TRUE(status.ok()) << status.status() << "\n" << daemon_->Log();
  EXPECT_EQ(status->attachments(), 1u);
  EXPECT_EQ(Attached(), 1u);

  // SIGHUP: RELOADING=1 stamped now, then READY=1 once reloaded.
  const uint64_t before_hup = MonotonicMicros();
  ASSERT_TRUE(daemon_->Signal(SIGHUP).ok());
  std::optional<std::string> reloading = Next();
  ASSERT_TRUE(reloading.has_value()) << daemon_->Log();
  constexpr char kReloading[] = "RELOADING=1\nMONOTONIC_USEC=";
  ASSERT_TRUE(absl::StartsWith(*reloading, kReloading)) << *reloading;
  uint64_t usec = 0;
  ASSERT_TRUE(
      absl::SimpleAtoi(reloading->substr(sizeof(kReloading) - 1), &usec))
      << *reloading;
  EXPECT_GE(usec, before_hup);
  EXPECT_LE(usec, MonotonicMicros());
  std::optional<std::string> reloaded = Next();
  ASSERT_TRUE(reloaded.has_value()) << daemon_->Log();
  EXPECT_EQ(*reloaded, *ready);
  EXPECT_THAT(daemon_->Log(), HasSubstr("reloaded " + work() + "/config"));
  EXPECT_TRUE(StatusOver(api).ok());

  // SIGTERM: STOPPING=1, then a clean exit that detached everything.
  ASSERT_TRUE(daemon_->Signal(SIGTERM).ok());
  EXPECT_EQ(Next(), "STOPPING=1");
  EXPECT_EQ(WaitExit(), 0) << daemon_->Log();
  EXPECT_EQ(Attached(), 0u);
  EXPECT_EQ(Next(1), std::nullopt) << "nothing after STOPPING=1";
}

// A reload the config refuses still ends with READY=1 (the old config
// keeps running), so systemctl reload does not hang.
TEST_F(NotifyTest, RefusedReloadStillReady) {
  const std::string api = work() + "/api.sock";
  ASSERT_NO_FATAL_FAILURE(
      StartDaemon(api, {.env = {"NOTIFY_SOCKET=" + notify_path_}}));
  std::optional<std::string> ready = Next();
  ASSERT_TRUE(ready.has_value()) << daemon_->Log();
  ASSERT_TRUE(absl::StartsWith(*ready, "READY=1")) << *ready;

  ASSERT_TRUE(
      WriteFile(work() + "/config/10-test.textproto", "this is not a config")
          .ok());
  ASSERT_TRUE(daemon_->Signal(SIGHUP).ok());
  std::optional<std::string> reloading = Next();
  ASSERT_TRUE(reloading.has_value());
  EXPECT_TRUE(absl::StartsWith(*reloading, "RELOADING=1\n")) << *reloading;
  EXPECT_EQ(Next(), *ready);
  EXPECT_THAT(daemon_->Log(), HasSubstr("reload refused"));
  EXPECT_EQ(Attached(), 1u);

  ASSERT_TRUE(daemon_->Signal(SIGTERM).ok());
  EXPECT_EQ(Next(), "STOPPING=1");
  EXPECT_EQ(WaitExit(), 0) << daemon_->Log();
}

}  // namespace
}  // namespace bpfwarden::testing
