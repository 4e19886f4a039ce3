// The progress line on a real terminal (a pty): nothing in the first
// second, then "N entries, R/s[ of T (P%)]", cleared at the end; nothing
// at all when the fd is not a terminal.
#include "client/progress.h"

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace bpfwarden::cli {
namespace {

// What is waiting to be read on `fd` (non-blocking).
std::string Drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, n);
  return out;
}

TEST(ProgressTest, ShowsAfterASecondOnATerminalThenClears) {
  int master = -1, slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  fcntl(master, F_SETFL, O_NONBLOCK);
  {
    Progress progress(/*total=*/4000, slave);
    progress.Add(1000);
    usleep(100000);
    EXPECT_EQ(Drain(master), "");  // a short dump shows nothing
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    progress.Add(1000);
    usleep(100000);
    const std::string line = Drain(master);
    EXPECT_NE(line.find("dump: 2,000 entries, "), std::string::npos) << line;
    EXPECT_NE(line.find("/s of 4,000 (50%)"), std::string::npos) << line;
  }
  usleep(100000);
  EXPECT_EQ(Drain(master), "\r\033[K");  // cleared
  close(master);
  close(slave);
}

TEST(ProgressTest, StaysWhileEntriesGoToAFile) {
  // The test's stdout is not a terminal (Bazel captures it), so printing
  // entries need not clear the line: it stays until the end.
  ASSERT_EQ(isatty(STDOUT_FILENO), 0);
  int master = -1, slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  fcntl(master, F_SETFL, O_NONBLOCK);
  {
    Progress progress(/*total=*/0, slave);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    progress.Add(10);
    usleep(100000);
    EXPECT_NE(Drain(master).find("dump: 10 entries, "), std::string::npos);
    progress.BeforeOutput();
    usleep(100000);
    EXPECT_EQ(Drain(master), "");
  }
  usleep(100000);
  EXPECT_EQ(Drain(master), "\r\033[K");  // cleared at the end
  close(master);
  close(slave);
}

TEST(ProgressTest, NothingWhenNotATerminal) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  {
    Progress progress(0, fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    progress.Add(5);
  }
  EXPECT_EQ(Drain(fds[0]), "");
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace bpfwarden::cli
