#include "daemon/core/object_file.h"

#include <cstdlib>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(ObjectFileTest, RefusesNonElf) {
  absl::Status s = CheckBpfElf({"x.o", "hello, world"});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(s.message(), "object x.o: not an ELF file");
}

TEST(ObjectFileTest, RefusesTruncatedHeader) {
  absl::Status s = CheckBpfElf({"x.o", std::string("\x7f"
                                                   "ELF\x02\x01",
                                                   6)});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, "truncated"));
}

TEST(ObjectFileTest, MissingFileIsNotFound) {
  EXPECT_THAT(ReadObjectFile("/nonexistent/x.bpf.o"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(ObjectFileTest, LinkingNothingIsAnError) {
  EXPECT_THAT(LinkObjects({}), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace bpfwarden

namespace bpfwarden {
namespace {

std::string Runfile(const std::string& path) {
  return std::string(std::getenv("TEST_SRCDIR")) + "/" +
         std::getenv("TEST_WORKSPACE") + "/" + path;
}

TEST(ObjectFileTest, LinksTwoRealObjects) {
  auto maps = ReadObjectFile(Runfile("bpf/tcp_stats_maps.bpf.o"));
  auto prog = ReadObjectFile(Runfile("bpf/tcp_stats.bpf.o"));
  ASSERT_TRUE(maps.ok()) << maps.status();
  ASSERT_TRUE(prog.ok()) << prog.status();
  EXPECT_TRUE(CheckBpfElf(*prog).ok());
  auto linked = LinkObjects({*maps, *prog});
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_TRUE(CheckBpfElf({"linked", *linked}).ok());
  // The linked object holds the program's code and the map's definition.
  EXPECT_NE(linked->find("tcp_stats_sockops"), std::string::npos);
  EXPECT_NE(linked->find(".maps"), std::string::npos);
}

TEST(ObjectFileTest, RefusesTruncatedRealObject) {
  auto prog = ReadObjectFile(Runfile("bpf/tcp_stats.bpf.o"));
  ASSERT_TRUE(prog.ok()) << prog.status();
  ObjectInput half{"half.o", prog->bytes.substr(0, prog->bytes.size() / 2)};
  absl::Status s = CheckBpfElf(half);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, "truncated"));
}

}  // namespace
}  // namespace bpfwarden
