#include "daemon/base/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

TEST(LogTest, FormatsOneLineWithLevel) {
  std::string line = FormatLogLine(LogLevel::kWarning, "map x: gone");
  EXPECT_NE(line.find(" WARNING map x: gone\n"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line[4], '-');  // 2026-...
  EXPECT_EQ(line[10], 'T');
}

TEST(LogTest, RecordWritesToConfiguredFd) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK), 0);
  SetLogFd(fds[1]);
  BPFWARDEN_LOG(AUDIT) << "uid=" << 1000 << " op=Update";
  SetLogFd(2);
  char buf[256] = {};
  ssize_t n = ::read(fds[0], buf, sizeof(buf) - 1);
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_GT(n, 0);
  EXPECT_NE(std::string(buf).find(" AUDIT uid=1000 op=Update\n"),
            std::string::npos)
      << buf;
}

LogLevel sunk_level;
std::string sunk_message;
LogFields sunk_fields;

void CaptureSink(LogLevel level, absl::string_view message,
                 const LogFields& fields) {
  sunk_level = level;
  sunk_message = std::string(message);
  sunk_fields = fields;
}

TEST(LogTest, SinkGetsTheMessageAndFieldsEmptyOnesLeftOut) {
  SetLogSink(&CaptureSink);
  BPFWARDEN_LOG(WARNING)
          .Field("BPFWARDEN_MAP", "tcp_stats")
          .Field("BPFWARDEN_UNIT", "")
      << "map " << 7;
  SetLogSink(nullptr);
  EXPECT_EQ(sunk_level, LogLevel::kWarning);
  EXPECT_EQ(sunk_message, "map 7");
  ASSERT_EQ(sunk_fields.size(), 1u);
  EXPECT_EQ(sunk_fields[0].first, "BPFWARDEN_MAP");
  EXPECT_EQ(sunk_fields[0].second, "tcp_stats");
}

}  // namespace
}  // namespace bpfwarden

namespace bpfwarden {
namespace {

// A program named "x\n2026-01-01T00:00:00.000Z AUDIT uid=0 ..." once wrote
// a second, forged line.
TEST(LogTest, ControlCharactersCannotForgeALine) {
  std::string line =
      FormatLogLine(LogLevel::kInfo,
                    "loaded x\n2026-01-01T00:00:00.000Z AUDIT forged\x1b[0m");
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_NE(
      line.find("loaded x\\n2026-01-01T00:00:00.000Z AUDIT forged\\x1b[0m"),
      std::string::npos)
      << line;
}

}  // namespace
}  // namespace bpfwarden
