#include "daemon/systemd/journal.h"

#include <sys/stat.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace bpfwarden::systemd {
namespace {

TEST(JournalTest, StderrIsJournalOnlyWhenJournalStreamNamesFd2) {
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(StderrIsJournal());
  struct stat st;
  ASSERT_EQ(::fstat(2, &st), 0);
  ::setenv("JOURNAL_STREAM", absl::StrCat(st.st_dev, ":", st.st_ino).c_str(),
           1);
  EXPECT_TRUE(StderrIsJournal());
  ::setenv("JOURNAL_STREAM",
           absl::StrCat(st.st_dev, ":", st.st_ino + 1).c_str(), 1);
  EXPECT_FALSE(StderrIsJournal());
  ::setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(StderrIsJournal());
  ::unsetenv("JOURNAL_STREAM");
}

TEST(JournalTest, LogTargetChoice) {
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_EQ(ChooseLogTarget("auto").value_or(""), "stderr");
  EXPECT_EQ(ChooseLogTarget("stderr").value_or(""), "stderr");
  EXPECT_EQ(ChooseLogTarget("syslog").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bpfwarden::systemd
