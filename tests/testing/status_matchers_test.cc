#include "tests/testing/status_matchers.h"

#include "gtest/gtest.h"

namespace bpfwarden::testing {
namespace {

using ::testing::Not;

// A stand-in with grpc::Status's shape (error_code, error_message), so the
// matcher's gRPC branch is checked without linking gRPC.
struct RpcStatus {
  enum class Code { OK = 0, NOT_FOUND = 5 };
  Code error_code() const { return code; }
  std::string error_message() const { return message; }
  Code code;
  std::string message;
};

TEST(StatusIsTest, MatchesCodeAndSubstring) {
  absl::Status s = absl::NotFoundError("no program set named nope");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound, "set named nope"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kNotFound, "other")));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kInternal, "set named")));
  EXPECT_THAT(absl::OkStatus(), StatusIs(absl::StatusCode::kOk));
}

TEST(StatusIsTest, MatchesStatusOr) {
  absl::StatusOr<int> failed = absl::InvalidArgumentError("bad name");
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kInvalidArgument, "name"));
  absl::StatusOr<int> value = 3;
  EXPECT_THAT(value, StatusIs(absl::StatusCode::kOk));
  EXPECT_THAT(value, Not(StatusIs(absl::StatusCode::kNotFound)));
}

TEST(StatusIsTest, MatchesRpcStatusesByNumber) {
  RpcStatus s{RpcStatus::Code::NOT_FOUND, "map x not found"};
  EXPECT_THAT(s, StatusIs(RpcStatus::Code::NOT_FOUND, "x not"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(s, Not(StatusIs(RpcStatus::Code::OK)));
}

TEST(StatusIsTest, ExplainsWhatItGot) {
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(
      ::testing::ExplainMatchResult(StatusIs(absl::StatusCode::kNotFound, "x"),
                                    absl::InternalError("boom"), &listener));
  EXPECT_EQ(listener.str(), "code INTERNAL, message \"boom\"");
  EXPECT_EQ(::testing::DescribeMatcher<absl::Status>(
                StatusIs(absl::StatusCode::kNotFound, "x")),
            "is a status with code NOT_FOUND and a message containing \"x\"");
}

}  // namespace
}  // namespace bpfwarden::testing
