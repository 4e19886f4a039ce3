#include "daemon/systemd/journal_log_sink.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <string>

namespace bpfwarden::systemd {
namespace {

TEST(JournalLogSinkTest, PriorityFollowsTheLevel) {
  EXPECT_EQ(JournalPriority(BpfLogLevel::kError), 3);
  EXPECT_EQ(JournalPriority(BpfLogLevel::kWarn), 4);
  EXPECT_EQ(JournalPriority(BpfLogLevel::kInfo), 6);
  EXPECT_EQ(JournalPriority(BpfLogLevel::kDebug), 7);
  EXPECT_EQ(JournalPriority(BpfLogLevel::kTrace), 7);
}

TEST(JournalLogSinkTest, StderrIsTheJournalOnlyWhenJournalStreamNamesIt) {
  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(StderrIsJournal());
  struct stat st;
  ASSERT_EQ(fstat(2, &st), 0);
  const std::string mine =
      std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  setenv("JOURNAL_STREAM", mine.c_str(), 1);
  EXPECT_TRUE(StderrIsJournal());
  setenv("JOURNAL_STREAM", "1:2", 1);
  EXPECT_FALSE(StderrIsJournal());
  unsetenv("JOURNAL_STREAM");
}

}  // namespace
}  // namespace bpfwarden::systemd
