// ReadLogSites on objects made here: one ".bw_log_sites" section in an ELF
// of three sections, so that each header field can be set as a hostile
// object would set it.
#include "daemon/core/log_sites.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bpf/include/bpfwarden/log.h"
#include "daemon/core/log_sites_testing.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(ReadLogSitesTest, ReadsAWellFormedSite) {
  const std::vector<LogArg> args = {{BW_ARG_U32, 4, 4},
                                    {BW_ARG_IPV6, 8, 16},
                                    {BW_ARG_MAC, 24, 6},
                                    {BW_ARG_STR, 30, 16},
                                    {BW_ARG_PTR, 48, 8}};
  absl::StatusOr<LogSites> sites = ReadLogSites(testing::ElfWithLogSites(
      testing::LogSiteBytes(7, "{} {:i} {:MAC} {} {:p}", args, 56)));
  ASSERT_TRUE(sites.ok()) << sites.status();
  ASSERT_EQ(sites->count(7), 1u);
  const LogSite& site = sites->at(7);
  EXPECT_EQ(site.Where(), "t.bpf.c:12");
  EXPECT_EQ(site.record_size, 56u);
  ASSERT_EQ(site.args.size(), args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    EXPECT_EQ(site.args[i].type, args[i].type);
    EXPECT_EQ(site.args[i].offset, args[i].offset);
    EXPECT_EQ(site.args[i].size, args[i].size);
  }
}

// One argument the header could never have written: the object is refused
// with the site and the argument named.
struct BadArg {
  const char* name;
  const char* format;
  LogArg arg;
  uint16_t record_size;
  const char* error;
};

class BadArgTest : public ::testing::TestWithParam<BadArg> {};

TEST_P(BadArgTest, IsRefusedNamingTheSiteAndArgument) {
  const BadArg& c = GetParam();
  const std::vector<LogArg> args = {{BW_ARG_U8, 4, 1}, c.arg};
  const std::string format = absl::StrCat("ok {} then ", c.format);
  absl::StatusOr<LogSites> sites = ReadLogSites(testing::ElfWithLogSites(
      testing::LogSiteBytes(9, format, args, c.record_size)));
  EXPECT_THAT(sites, StatusIs(absl::StatusCode::kInvalidArgument, c.error));
  EXPECT_THAT(
      sites.status().message(),
      AllOf(HasSubstr("log call at t.bpf.c:12"), HasSubstr("argument 2")));
}

INSTANTIATE_TEST_SUITE_P(
    ReadLogSitesTest, BadArgTest,
    ::testing::Values(
        // Before the fix these loaded, and formatting one record copied up
        // to 64 KiB into a uint64_t on the stack or shifted by < 0.
        BadArg{"U32Of16", "{}", {BW_ARG_U32, 8, 16}, 24, "__u32 of 16 bytes"},
        BadArg{"U64Of64K",
               "{:x}",
               {BW_ARG_U64, 8, 65000},
               65535,
               "__u64 of 65000 bytes"},
        BadArg{"I8Of9", "{}", {BW_ARG_I8, 8, 9}, 24, "__s8 of 9 bytes"},
        BadArg{"I16Of0", "{}", {BW_ARG_I16, 8, 0}, 24, "__s16 of 0 bytes"},
        BadArg{
            "PointerOf4", "{:p}", {BW_ARG_PTR, 8, 4}, 24, "pointer of 4 bytes"},
        // Read past by the IP and MAC renderers.
        BadArg{
            "ShortIpv4", "{:i}", {BW_ARG_IPV4, 8, 1}, 24, "__u8[4] of 1 bytes"},
        BadArg{"ShortIpv6",
               "{:i}",
               {BW_ARG_IPV6, 8, 4},
               24,
               "__u8[16] of 4 bytes"},
        BadArg{
            "ShortMac", "{:mac}", {BW_ARG_MAC, 8, 2}, 24, "__u8[6] of 2 bytes"},
        // Strings: at least the NUL, at most kMaxLogStringBytes.
        BadArg{
            "EmptyString", "{}", {BW_ARG_STR, 8, 0}, 24, "char[N] of 0 bytes"},
        BadArg{"HugeString",
               "{}",
               {BW_ARG_STR, 8, 4097},
               8192,
               "char[N] of 4097 bytes"},
        // Unknown types; an argument over the site id or past the record.
        BadArg{"UnknownType", "{}", {42, 8, 4}, 24, "unknown type 42"},
        BadArg{"BadType", "{}", {BW_ARG_BAD, 8, 4}, 24, "unknown type 0"},
        BadArg{"OverTheSiteId",
               "{}",
               {BW_ARG_U32, 0, 4},
               24,
               "bytes 0..4 of a record of 24"},
        BadArg{"PastTheRecord",
               "{}",
               {BW_ARG_U64, 20, 8},
               24,
               "bytes 20..28 of a record of 24"}),
    [](const ::testing::TestParamInfo<BadArg>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace bpfwarden
