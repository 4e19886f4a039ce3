#include "daemon/base/errno_status.h"

#include <cerrno>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(ErrnoStatusTest, MapsKernelErrorsOneToOne) {
  EXPECT_EQ(ErrnoToCode(ENOENT), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrnoToCode(EEXIST), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ErrnoToCode(E2BIG), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoToCode(EINVAL), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrnoToCode(EPERM), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrnoToCode(EACCES), absl::StatusCode::kPermissionDenied);
}

TEST(ErrnoStatusTest, AcceptsLibbpfNegativeErrors) {
  EXPECT_EQ(ErrnoToCode(-ENOENT), absl::StatusCode::kNotFound);
}

TEST(ErrnoStatusTest, KernelEnotsuppIsUnimplementedWithAReadableReason) {
  absl::Status s = ErrnoStatus(-524, "dump map x");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_EQ(s.message(), "dump map x: operation not supported");
}

TEST(ErrnoStatusTest, MessageCarriesContextAndReason) {
  absl::Status s = ErrnoStatus(-ENOENT, "open map tcp_stats");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(s.message(), "open map tcp_stats: No such file or directory");
}

}  // namespace
}  // namespace bpfwarden
