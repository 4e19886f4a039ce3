#include "daemon/systemd/journal_log_sink.h"

#include <gtest/gtest.h>

namespace bpfwarden::systemd {
namespace {

TEST(JournalLogSinkTest, PriorityFollowsTheLevel) {
  EXPECT_EQ(JournalPriority(BpfLogLevel::kError), 3);
  EXPECT_EQ(JournalPriority(BpfLogLevel::kWarn), 4);
  EXPECT_EQ(JournalPriority(BpfLogLevel::kInfo), 6);
  EXPECT_EQ(JournalPriority(BpfLogLevel::kDebug), 7);
  EXPECT_EQ(JournalPriority(BpfLogLevel::kTrace), 7);
}

}  // namespace
}  // namespace bpfwarden::systemd
