#include "daemon/api/grpc_status.h"

#include "gtest/gtest.h"

namespace bpfwarden::api {
namespace {

TEST(GrpcStatusTest, CodesMapOneToOne) {
  struct Case {
    absl::Status in;
    grpc::StatusCode want;
  } cases[] = {
      {absl::NotFoundError("m"), grpc::StatusCode::NOT_FOUND},
      {absl::AlreadyExistsError("m"), grpc::StatusCode::ALREADY_EXISTS},
      {absl::ResourceExhaustedError("m"), grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::InvalidArgumentError("m"), grpc::StatusCode::INVALID_ARGUMENT},
      {absl::PermissionDeniedError("m"), grpc::StatusCode::PERMISSION_DENIED},
      {absl::FailedPreconditionError("m"),
       grpc::StatusCode::FAILED_PRECONDITION},
      {absl::UnauthenticatedError("m"), grpc::StatusCode::UNAUTHENTICATED},
      {absl::UnimplementedError("m"), grpc::StatusCode::UNIMPLEMENTED},
      {absl::DeadlineExceededError("m"), grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::InternalError("m"), grpc::StatusCode::INTERNAL},
  };
  for (const Case& c : cases) {
    grpc::Status out = ToGrpc(c.in);
    EXPECT_EQ(out.error_code(), c.want) << c.in;
    EXPECT_EQ(out.error_message(), "m");
  }
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
}

// Before the fix a request naming a 64 KiB set had its name echoed whole:
// the client refused the trailer and heard RESOURCE_EXHAUSTED ("received
// initial metadata size exceeds limit") instead of the error.
TEST(GrpcStatusTest, LongMessagesAreCutToFitTheTrailer) {
  const std::string name(64 << 10, 'n');
  grpc::Status out =
      ToGrpc(absl::NotFoundError("no program set named " + name));
  EXPECT_EQ(out.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(out.error_message().rfind("no program set named nnn", 0), 0u);
  EXPECT_LE(out.error_message().size(), kMaxEncodedMessage + 64);
  EXPECT_NE(out.error_message().find(" more bytes cut)"), std::string::npos);
  // Control characters count three bytes each, as encoded.
  out = ToGrpc(absl::InvalidArgumentError(std::string(4 << 10, '\n')));
  EXPECT_LT(out.error_message().size(), (2 << 10) + 64);
  // Short messages stay whole.
  EXPECT_EQ(ToGrpc(absl::InternalError("m\n%")).error_message(), "m\n%");
}

}  // namespace
}  // namespace bpfwarden::api
