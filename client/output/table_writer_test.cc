#include "client/output/table_writer.h"

#include <sstream>

#include "client/output/cell_text.h"
#include "client/output/entry_fields.h"
#include "client/output/format.h"
#include "gtest/gtest.h"

namespace bpfwarden::cli::output {
namespace {

TEST(TableWriterTest, AlignsNumbersRightAndTextLeft) {
  std::ostringstream out;
  {
    TableWriter table({{"NAME"}, {"COUNT", true}}, out, 80);
    table.AddRow({"a", "1"});
    table.AddRow({"longer", "1,000"});
  }
  EXPECT_EQ(out.str(),
            "NAME    COUNT\n"
            "a           1\n"
            "longer  1,000\n");
}

TEST(TableWriterTest, CutsTextWithEllipsisButNeverNumbers) {
  std::ostringstream out;
  {
    TableWriter table({{"N", true}, {"PATH"}}, out, 35);
    table.AddRow({"123456789", "/sys/fs/bpf/bpfwarden/bpfwarden/tcp_stats"});
  }
  EXPECT_EQ(out.str(),
            "        N  PATH\n"
            "123456789  /sys/fs/bpf/bpfwarden/b…\n");
}

TEST(TableWriterTest, LeavesOutColumnsThatDoNotFit) {
  std::ostringstream out;
  TableWriter table({{"AAAA"}, {"BBBB"}, {"CCCC"}}, out, 11);
  table.AddRow({"1", "2", "3"});
  table.Finish();
  EXPECT_EQ(table.hidden_columns(), 1u);
  EXPECT_EQ(out.str(), "AAAA  BBBB\n1     2\n");
}

TEST(TableWriterTest, WideNeverCuts) {
  std::ostringstream out;
  {
    TableWriter table({{"PATH"}}, out, 0);
    table.AddRow({std::string(300, 'x')});
  }
  EXPECT_EQ(out.str(), "PATH\n" + std::string(300, 'x') + "\n");
}

TEST(TableWriterTest, SizesFromTheFirstRowsThenStreams) {
  std::ostringstream out;
  TableWriter table({{"N", true}}, out, 80, /*sizing_rows=*/2);
  table.AddRow({"1"});
  EXPECT_EQ(out.str(), "");  // still sizing
  table.AddRow({"22"});
  EXPECT_EQ(out.str(), " N\n 1\n22\n");
  table.AddRow({"333"});  // wider than the widths fixed: printed whole
  EXPECT_EQ(out.str(), " N\n 1\n22\n333\n");
}

TEST(CellTextTest, GroupsCountersOnly) {
  EXPECT_EQ(GroupDigits("1234567"), "1,234,567");
  EXPECT_EQ(GroupDigits("-1234"), "-1,234");
  EXPECT_EQ(GroupDigits("123"), "123");
  EntryField counter{.name = "value.n", .type = FieldType::kInteger,
                     .counter = true};
  EntryField port{.name = "key.port", .type = FieldType::kInteger};
  const Json n = 1234567;
  EXPECT_EQ(CellText(&n, counter, true), "1,234,567");
  EXPECT_EQ(CellText(&n, counter, false), "1234567");
  EXPECT_EQ(CellText(&n, port, true), "1234567");
  EXPECT_EQ(CellText(nullptr, port, true), "");
}

TEST(DisplayWidthTest, CountsCodePoints) {
  EXPECT_EQ(DisplayWidth("ab\xE2\x80\xA6"), 3u);
  EXPECT_EQ(CutToWidth("héllo world", 5), "héll\xE2\x80\xA6");
  EXPECT_EQ(CutToWidthKeepingEnd("/sys/fs/cgroup/é.slice", 8),
            "\xE2\x80\xA6é.slice");
  EXPECT_EQ(CutToWidthKeepingEnd("short", 8), "short");
}

TEST(FormatTest, ParsesEveryNameAndRefusesOthers) {
  for (const char* name : {"table", "wide", "json", "jsonl", "raw"}) {
    auto format = ParseOutputFormat(name);
    ASSERT_TRUE(format.ok()) << name;
    EXPECT_STREQ(OutputFormatName(*format), name);
  }
  auto bad = ParseOutputFormat("yaml");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("table, wide, json, jsonl or raw"),
            std::string::npos);
}

TEST(EntryFieldsTest, FindsByFullOrUniqueShortName) {
  auto fields = EntryFields(
      R"({"name":"key","type":"__u32","kind":"int","offset":0,"size":4})",
      R"({"name":"value","type":"struct v","kind":"struct","offset":0,"size":8,
          "fields":[{"name":"a","type":"struct in","kind":"struct","offset":0,
          "size":8,"fields":[{"name":"b","type":"__u64","kind":"int",
          "offset":0,"size":8}]}]})");
  ASSERT_TRUE(fields.ok()) << fields.status();
  ASSERT_EQ(fields->size(), 2u);
  EXPECT_EQ((*fields)[1].name, "value.a.b");
  EXPECT_EQ((*fields)[1].label, "a.b");
  EXPECT_TRUE((*fields)[1].counter);
  EXPECT_EQ(FindField(*fields, "a.b")->name, "value.a.b");
  EXPECT_EQ(FindField(*fields, "value.a.b")->name, "value.a.b");
  EXPECT_EQ(FindField(*fields, "nope").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(EntryFields("{not json", "").ok());
}

TEST(EntryFieldsTest, SumsPerCpuValuesFieldByField) {
  const Json cpus = Json::parse(
      R"([{"n":1,"f":0.5,"name":"x","a":[1,2]},{"n":2,"f":1.0,"name":"y","a":[3,4]}])");
  const Json sum = SumPerCpu(cpus);
  EXPECT_EQ(sum["n"], 3);
  EXPECT_EQ(sum["f"], 1.5);
  EXPECT_EQ(sum["name"], "x");
  EXPECT_EQ(sum["a"], Json::parse("[4,6]"));
}

}  // namespace
}  // namespace bpfwarden::cli::output
