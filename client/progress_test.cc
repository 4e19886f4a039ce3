// The progress line on a real terminal (a pty): nothing in the first
// second, then "N entries, R/s[ of T (P%)]", cleared at the end; nothing
// at all when the fd is not a terminal.
//
// A pty carries what is written to its slave to the master a moment later,
// so the tests wait for output rather than for time: to show that nothing
// was written, they write a marker to the slave themselves and wait for
// it; whatever Progress wrote comes before it.
#include "client/progress.h"

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::cli {
namespace {

using ::bpfwarden::testing::WaitForValue;

// Longer than Progress's one-second delay. Sleeping it is the behaviour
// under test (a dump that has lasted a second), not a wait for an event.
constexpr auto kPastTheDelay = std::chrono::milliseconds(1100);
constexpr char kMarker[] = "#";

class Pty {
 public:
  Pty() {
    EXPECT_EQ(openpty(&master_, &slave_, nullptr, nullptr, nullptr), 0);
    termios raw{};
    tcgetattr(slave_, &raw);
    cfmakeraw(&raw);  // bytes through as written
    tcsetattr(slave_, TCSANOW, &raw);
    fcntl(master_, F_SETFL, O_NONBLOCK);
  }
  ~Pty() {
    close(master_);
    close(slave_);
  }
  int slave() const { return slave_; }

  // Everything on the master until `text` has arrived (up to 10 s).
  std::string ReadUntil(const std::string& text) {
    auto got = WaitForValue(
        [&] {
          char buf[4096];
          ssize_t n;
          while ((n = read(master_, buf, sizeof(buf))) > 0)
            pending_.append(buf, n);
          return pending_;
        },
        [&](const std::string& s) {
          return s.find(text) != std::string::npos;
        });
    EXPECT_TRUE(got.held) << "never arrived: " << text << "; got: " << got.last;
    const size_t end = got.held ? got.last.find(text) + text.size() : 0;
    std::string out = pending_.substr(0, end);
    pending_.erase(0, end);
    return out;
  }
  // What was written to the slave before now (a marker through the pty).
  std::string WrittenSoFar() {
    EXPECT_EQ(write(slave_, kMarker, 1), 1);
    std::string out = ReadUntil(kMarker);
    if (!out.empty()) out.pop_back();
    return out;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string pending_;
};

TEST(ProgressTest, ShowsAfterASecondOnATerminalThenClears) {
  Pty pty;
  {
    const auto before = std::chrono::steady_clock::now();
    Progress progress(/*total=*/4000, pty.slave());
    progress.Add(1000);
    const std::string early = pty.WrittenSoFar();
    // A short dump shows nothing (when this thread really got there in
    // under a second).
    if (std::chrono::steady_clock::now() - before < std::chrono::seconds(1)) {
      EXPECT_EQ(early, "");
    }
    std::this_thread::sleep_for(kPastTheDelay);
    progress.Add(1000);
    const std::string line = pty.WrittenSoFar();
    EXPECT_EQ(line.rfind("\r\033[Kdump: 2,000 entries, ", 0), 0u) << line;
    EXPECT_NE(line.find("/s of 4,000 (50%)"), std::string::npos) << line;
  }
  EXPECT_EQ(pty.WrittenSoFar(), "\r\033[K");  // cleared
}

TEST(ProgressTest, StaysWhileEntriesGoToAFile) {
  // The test's stdout is not a terminal (Bazel captures it), so printing
  // entries need not clear the line: it stays until the end.
  ASSERT_EQ(isatty(STDOUT_FILENO), 0);
  Pty pty;
  {
    Progress progress(/*total=*/0, pty.slave());
    std::this_thread::sleep_for(kPastTheDelay);
    progress.Add(10);
    const std::string line = pty.WrittenSoFar();
    EXPECT_EQ(line.rfind("\r\033[Kdump: 10 entries, ", 0), 0u) << line;
    progress.BeforeOutput();
    EXPECT_EQ(pty.WrittenSoFar(), "");
  }
  EXPECT_EQ(pty.WrittenSoFar(), "\r\033[K");  // cleared at the end
}

TEST(ProgressTest, NothingWhenNotATerminal) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  {
    Progress progress(0, fds[1]);
    std::this_thread::sleep_for(kPastTheDelay);
    progress.Add(5);
  }
  // A pipe holds what was written at once.
  char buf[64];
  EXPECT_EQ(read(fds[0], buf, sizeof(buf)), -1);
  EXPECT_EQ(errno, EAGAIN);
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace bpfwarden::cli
