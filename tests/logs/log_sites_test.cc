#include "daemon/core/log_sites.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "bpf/include/bpfwarden/log.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;
using ::testing::HasSubstr;

std::string ReadProbe() {
  std::ifstream in(testing::Runfile("tests/logs/logs_probe.bpf.o"),
                   std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

const LogSite* SiteWithFormat(const LogSites& sites, absl::string_view fmt) {
  for (const auto& [id, site] : sites) {
    if (site.format == fmt) return &site;
  }
  return nullptr;
}

TEST(LogSitesTest, ReadsEverySiteOfTheProbe) {
  absl::StatusOr<LogSites> sites = ReadLogSites(ReadProbe());
  ASSERT_TRUE(sites.ok()) << sites.status();
  EXPECT_EQ(sites->size(), 14u);
  const LogSite* site = SiteWithFormat(*sites, "level warn {}");
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->level, BpfLogLevel::kWarn);
  EXPECT_EQ(site->function, "log_levels");
  EXPECT_THAT(site->Where(), HasSubstr("tests/logs/log_probe.bpf.c:"));
  ASSERT_EQ(site->args.size(), 1u);
  EXPECT_EQ(site->args[0].type, BW_ARG_I32);
  EXPECT_EQ(site->record_size, 8u);
}

TEST(LogSitesTest, FormatsEveryHint) {
  std::vector<LogArg> args = {{BW_ARG_U32, 4, 4},  {BW_ARG_U64, 8, 8},
                              {BW_ARG_I8, 16, 1},  {BW_ARG_IPV6, 17, 16},
                              {BW_ARG_MAC, 33, 6}, {BW_ARG_STR, 39, 8},
                              {BW_ARG_PTR, 48, 8}};
  LogSite site;
  site.file = "x.bpf.c";
  site.line = 3;
  site.record_size = 56;
  site.args = args;
  auto pieces = ParseLogFormat("{:x} {:X} {} [{:i}] {:MAC} {} {:p} {{}}", args);
  ASSERT_TRUE(pieces.ok()) << pieces.status();
  site.pieces = *pieces;
  std::string record(56, '\0');
  const uint32_t hex = 0xbeef;
  const uint64_t upper = 0xcafe;
  const int8_t neg = -5;
  const uint8_t mapped[16] = {0, 0, 0,    0,    0,  0, 0, 0,
                              0, 0, 0xff, 0xff, 10, 0, 0, 1};
  const uint8_t mac[6] = {0xaa, 0xbb, 0xcc, 0x01, 0x02, 0x03};
  const uint64_t ptr = 0xffff0000abcdull;
  std::memcpy(&record[4], &hex, 4);
  std::memcpy(&record[8], &upper, 8);
  std::memcpy(&record[16], &neg, 1);
  std::memcpy(&record[17], mapped, 16);
  std::memcpy(&record[33], mac, 6);
  std::memcpy(&record[39], "ab\0cdefg", 8);
  std::memcpy(&record[48], &ptr, 8);
  absl::StatusOr<std::string> line = FormatLogRecord(site, record);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line,
            "beef CAFE -5 [10.0.0.1] AA:BB:CC:01:02:03 ab 0xffff0000abcd {}");
  EXPECT_THAT(FormatLogRecord(site, record.substr(0, 10)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(LogSitesTest, RefusesHintsThatDoNotFit) {
  EXPECT_THAT(ParseLogFormat("{:i}", {{BW_ARG_U32, 4, 4}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "hint {:i} does not fit argument 1 of type __u32"));
  EXPECT_THAT(ParseLogFormat("{:mac}", {{BW_ARG_IPV4, 4, 4}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "__u8[4]"));
  EXPECT_THAT(ParseLogFormat("{:q}", {{BW_ARG_U32, 4, 4}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown hint"));
  EXPECT_THAT(ParseLogFormat("{} {}", {{BW_ARG_U32, 4, 4}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "no argument"));
  EXPECT_THAT(
      ParseLogFormat("x", {{BW_ARG_U32, 4, 4}}),
      StatusIs(absl::StatusCode::kInvalidArgument, "1 arguments for 0"));
  EXPECT_THAT(ParseLogFormat("{", {}),
              StatusIs(absl::StatusCode::kInvalidArgument, "unmatched {"));
}

}  // namespace
}  // namespace bpfwarden
