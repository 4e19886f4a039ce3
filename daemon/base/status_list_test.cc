#include "daemon/base/status_list.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(StatusListTest, EmptyAndOkStatusesJoinToOk) {
  StatusList list;
  EXPECT_TRUE(list.Joined().ok());
  list.Note(absl::OkStatus(), "nothing");
  list.Add(absl::OkStatus());
  EXPECT_TRUE(list.Joined().ok());
}

TEST(StatusListTest, JoinsFailuresWithTheFirstCode) {
  StatusList list;
  list.Note(absl::NotFoundError("no set x"), "config set x");
  list.Add(absl::DataLossError("torn"));
  absl::Status joined = list.Joined();
  EXPECT_THAT(joined, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(joined.message(),
            "NOT_FOUND: config set x: no set x; DATA_LOSS: torn");
}

TEST(StatusListTest, OneFailureIsItself) {
  StatusList list;
  list.Note(absl::FailedPreconditionError("pin replaced"), "attachment a");
  EXPECT_EQ(list.Joined(),
            absl::FailedPreconditionError("attachment a: pin replaced"));
}

}  // namespace
}  // namespace bpfwarden
