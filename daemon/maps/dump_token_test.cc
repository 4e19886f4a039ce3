#include "daemon/maps/dump_token.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(DumpTokenTest, RoundTrips) {
  DumpPosition in{DumpPosition::Method::kNextKey, 0xdeadbeef, {1, 2, 0, 255}};
  const std::string token = EncodeDumpToken(in);
  EXPECT_EQ(token.find_first_of("+/="), std::string::npos);  // URL-safe
  auto out = DecodeDumpToken(token);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->method, in.method);
  EXPECT_EQ(out->map_id, in.map_id);
  EXPECT_EQ(out->position, in.position);
}

TEST(DumpTokenTest, MalformedIsInvalidArgument) {
  DumpPosition in{DumpPosition::Method::kBatch, 7, {9}};
  std::string token = EncodeDumpToken(in);
  for (const std::string& bad :
       {std::string("not base64!"), std::string("QldE"), token.substr(0, 8),
        std::string("x") + token}) {
    auto out = DecodeDumpToken(bad);
    ASSERT_FALSE(out.ok()) << bad;
    EXPECT_THAT(out, StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

}  // namespace
}  // namespace bpfwarden
