#include "daemon/handles/frame.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::handles {
namespace {

using ::bpfwarden::testing::StatusIs;

std::string Request(const std::string& set, const std::string& map) {
  v1::HandleRequest request;
  request.mutable_map()->set_program_set(set);
  request.mutable_map()->set_map(map);
  return request.SerializeAsString();
}

TEST(FrameTest, ScansWholeFramesOnly) {
  std::string framed;
  AppendFrame("abc", framed);
  ASSERT_EQ(framed.size(), kFrameHeader + 3);
  EXPECT_EQ(framed.substr(0, 4), std::string("\x03\0\0\0", 4));
  for (size_t cut = 0; cut < framed.size(); ++cut) {
    absl::StatusOr<FrameScan> scan = ScanFrame(framed.substr(0, cut));
    ASSERT_TRUE(scan.ok());
    EXPECT_FALSE(scan->complete) << cut;
  }
  absl::StatusOr<FrameScan> scan = ScanFrame(framed + "next");
  ASSERT_TRUE(scan.ok());
  EXPECT_TRUE(scan->complete);
  EXPECT_EQ(scan->payload, 3u);
}

TEST(FrameTest, RefusesLengthsPastTheCap) {
  EXPECT_THAT(ScanFrame(std::string("\xff\xff\xff\xff", 4)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "request frame of 4294967295 bytes: at most 4096"));
  std::string edge;
  AppendFrame(std::string(kMaxRequestPayload, 'x'), edge);
  EXPECT_TRUE(ScanFrame(edge).ok());
  std::string over;
  AppendFrame(std::string(kMaxRequestPayload + 1, 'x'), over);
  EXPECT_FALSE(ScanFrame(over.substr(0, 4)).ok());
}

TEST(FrameTest, ParsesAGoodRequest) {
  absl::StatusOr<v1::HandleRequest> request =
      ParseRequest(Request("bpfwarden", "tcp_stats"));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->map().program_set(), "bpfwarden");
  EXPECT_EQ(request->map().map(), "tcp_stats");
}

TEST(FrameTest, RefusesBadRequestsClearly) {
  EXPECT_THAT(ParseRequest(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                         "both required"));
  EXPECT_THAT(ParseRequest(Request("bpfwarden", "")),
              StatusIs(absl::StatusCode::kInvalidArgument, "both required"));
  EXPECT_THAT(ParseRequest("\xff\xff\xff"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "not a bpfwarden.v1.HandleRequest"));
  // Field 7 (varint 1) after a good request: unknown, refused.
  EXPECT_THAT(ParseRequest(Request("s", "m") + std::string("\x38\x01", 2)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "fields this daemon does not know"));
  // An unknown field inside the MapRef too.
  v1::HandleRequest nested;
  nested.mutable_map()->set_program_set("s");
  nested.mutable_map()->set_map("m");
  std::string inner = nested.map().SerializeAsString() + "\x18\x01";
  std::string outer = std::string("\x0a") + static_cast<char>(inner.size()) +
                      inner;
  EXPECT_THAT(ParseRequest(outer),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "fields this daemon does not know"));
  EXPECT_THAT(ParseRequest(Request(std::string(kMaxName + 1, 'a'), "m")),
              StatusIs(absl::StatusCode::kInvalidArgument, "more than 256"));
  EXPECT_THAT(ParseRequest(Request("s\xff", "m")),
              StatusIs(absl::StatusCode::kInvalidArgument, "UTF-8"));
}

}  // namespace
}  // namespace bpfwarden::handles
