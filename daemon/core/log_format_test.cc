// FormatLogRecord on sites it must not trust: whatever the site says, it
// reads only the record's bytes and writes only its own, and an argument it
// cannot show renders as a marker. Each record lies in a buffer of exactly
// its size, so that a sanitizer sees a read past it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "bpf/include/bpfwarden/log.h"
#include "daemon/core/log_sites.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

// A site of one placeholder per argument, as the reader would build it
// (record_size = the record's size), unchecked.
LogSite SiteOf(std::vector<LogArg> args, LogHint hint, uint32_t record_size) {
  LogSite site;
  site.file = "t.bpf.c";
  site.line = 3;
  site.record_size = record_size;
  site.pieces.push_back({"<"});
  for (size_t i = 0; i < args.size(); ++i) {
    site.pieces.push_back({"", static_cast<int>(i), hint});
    site.pieces.push_back({i + 1 < args.size() ? " " : ">"});
  }
  site.args = std::move(args);
  return site;
}

// `size` bytes of 0xff in a heap block of exactly that size.
std::string Format(const LogSite& site, size_t size) {
  std::vector<char> record(size, '\xff');
  absl::StatusOr<std::string> line =
      FormatLogRecord(site, absl::string_view(record.data(), record.size()));
  EXPECT_TRUE(line.ok()) << line.status();
  return line.ok() ? *line : "";
}

// Before the fix: a 64 KiB memcpy into a uint64_t on the stack.
TEST(FormatLogRecordTest, OversizedIntegerIsAMarker) {
  EXPECT_EQ(
      Format(SiteOf({{BW_ARG_U32, 4, 4000}}, LogHint::kDefault, 4004), 4004),
      "<<bad argument 1>>");
  EXPECT_EQ(Format(SiteOf({{BW_ARG_U64, 4, 65000}}, LogHint::kLowerHex, 65004),
                   65004),
            "<<bad argument 1>>");
}

// Before the fix: a shift by 64 - 8 * size, negative or 64.
TEST(FormatLogRecordTest, SignedOfNoOrNineBytesIsAMarker) {
  EXPECT_EQ(Format(SiteOf({{BW_ARG_I32, 4, 9}, {BW_ARG_I8, 13, 0}},
                          LogHint::kDefault, 16),
                   16),
            "<<bad argument 1> <bad argument 2>>");
}

// Before the fix: inet_ntop and the MAC renderer read 4, 16 or 6 bytes
// whatever the argument's size, here past the record's end.
TEST(FormatLogRecordTest, ShortAddressesAreMarkers) {
  EXPECT_EQ(Format(SiteOf({{BW_ARG_IPV4, 4, 1}}, LogHint::kIp, 5), 5),
            "<<bad argument 1>>");
  EXPECT_EQ(Format(SiteOf({{BW_ARG_IPV6, 4, 4}}, LogHint::kIp, 8), 8),
            "<<bad argument 1>>");
  EXPECT_EQ(Format(SiteOf({{BW_ARG_MAC, 4, 2}}, LogHint::kMac, 6), 6),
            "<<bad argument 1>>");
}

// A site whose record_size is smaller than its arguments reach: the record
// is checked against each argument, not against the site's word.
TEST(FormatLogRecordTest, ArgumentPastTheRecordIsAMarker) {
  EXPECT_EQ(Format(SiteOf({{BW_ARG_U32, 4, 4}, {BW_ARG_U64, 100, 8}},
                          LogHint::kDefault, 8),
                   8),
            "<4294967295 <bad argument 2>>");
}

TEST(FormatLogRecordTest, PieceWithoutArgumentIsAMarker) {
  LogSite site = SiteOf({{BW_ARG_U8, 4, 1}}, LogHint::kDefault, 5);
  site.pieces.push_back({"", 5, LogHint::kDefault});
  EXPECT_EQ(Format(site, 5), "<255><bad argument 6>");
}

TEST(FormatLogRecordTest, UnknownTypeIsAMarker) {
  EXPECT_EQ(Format(SiteOf({{42, 4, 4}}, LogHint::kDefault, 8), 8),
            "<<bad argument 1>>");
}

// Every type at its one size, at the very end of the record.
TEST(FormatLogRecordTest, EachTypeAtTheRecordsEnd) {
  struct Case {
    LogArg arg;
    LogHint hint;
    const char* want;
  };
  const Case cases[] = {
      {{BW_ARG_U8, 4, 1}, LogHint::kDefault, "<255>"},
      {{BW_ARG_U16, 4, 2}, LogHint::kUpperHex, "<FFFF>"},
      {{BW_ARG_U32, 4, 4}, LogHint::kDefault, "<4294967295>"},
      {{BW_ARG_U64, 4, 8}, LogHint::kLowerHex, "<ffffffffffffffff>"},
      {{BW_ARG_I8, 4, 1}, LogHint::kDefault, "<-1>"},
      {{BW_ARG_I16, 4, 2}, LogHint::kLowerHex, "<ffff>"},
      {{BW_ARG_I32, 4, 4}, LogHint::kDefault, "<-1>"},
      {{BW_ARG_I64, 4, 8}, LogHint::kDefault, "<-1>"},
      {{BW_ARG_STR, 4, 3}, LogHint::kDefault, "<\xff\xff\xff>"},
      {{BW_ARG_IPV4, 4, 4}, LogHint::kIp, "<255.255.255.255>"},
      {{BW_ARG_IPV6, 4, 16},
       LogHint::kIp,
       "<ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff>"},
      {{BW_ARG_MAC, 4, 6}, LogHint::kUpperMac, "<FF:FF:FF:FF:FF:FF>"},
      {{BW_ARG_PTR, 4, 8}, LogHint::kPointer, "<0xffffffffffffffff>"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    const size_t size = c.arg.offset + c.arg.size;
    EXPECT_EQ(Format(SiteOf({c.arg}, c.hint, size), size), c.want);
  }
}

TEST(FormatLogRecordTest, ShortRecordIsAnError) {
  std::vector<char> record(7, '\0');
  EXPECT_THAT(
      FormatLogRecord(SiteOf({{BW_ARG_U32, 4, 4}}, LogHint::kDefault, 8),
                      absl::string_view(record.data(), record.size())),
      testing::StatusIs(absl::StatusCode::kInvalidArgument,
                        "record of 7 bytes for site t.bpf.c:3"));
}

}  // namespace
}  // namespace bpfwarden
