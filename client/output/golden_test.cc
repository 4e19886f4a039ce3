// The printers' output on fixed maps, compared with the files under
// testdata/. To rewrite them after a deliberate change:
//   BPFWARDEN_UPDATE_GOLDEN=$PWD/client/output/testdata \
//     bazel test //client/output:golden_test
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/output/entry_printer.h"
#include "client/output/layout_view.h"
#include "client/output/test_maps.h"
#include "gtest/gtest.h"

namespace bpfwarden::cli::output {
namespace {

using testing::ConnectionMap;
using testing::GlobalsMap;
using testing::PerCpuMap;
using testing::TestMap;

std::string Render(const TestMap& map, PrintOptions options) {
  std::ostringstream out;
  auto printer = EntryPrinter::Create(map.info, options, out);
  EXPECT_TRUE(printer.ok()) << printer.status();
  if (!printer.ok()) return "";
  for (const auto& [key, value] : map.entries) {
    absl::Status s = (*printer)->AddJson(key, value);
    EXPECT_TRUE(s.ok()) << s;
  }
  EXPECT_TRUE((*printer)->Finish().ok());
  return out.str();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares `actual` with testdata/`name`, or writes it there when
// BPFWARDEN_UPDATE_GOLDEN names the source testdata directory.
void ExpectGolden(const std::string& name, const std::string& actual) {
  if (const char* dir = std::getenv("BPFWARDEN_UPDATE_GOLDEN")) {
    std::ofstream(absl::StrCat(dir, "/", name)) << actual;
    return;
  }
  const std::string path =
      absl::StrCat(std::getenv("TEST_SRCDIR"), "/", std::getenv("TEST_WORKSPACE"),
                   "/client/output/testdata/", name);
  const std::string expected = ReadFile(path);
  ASSERT_FALSE(expected.empty()) << "no golden file " << path;
  EXPECT_EQ(actual, expected) << "golden file " << name;
}

PrintOptions Format(OutputFormat format, int width = 80) {
  return {.format = format, .width = width};
}

TEST(GoldenTest, ConnectionsTable) {
  ExpectGolden("connections.table", Render(ConnectionMap(), Format(OutputFormat::kTable)));
}

TEST(GoldenTest, ConnectionsTableNarrow) {
  const std::string out =
      Render(ConnectionMap(), Format(OutputFormat::kTable, 40));
  ExpectGolden("connections_40.table", out);
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    size_t width = 0;
    for (char c : line) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_LE(width, 40u) << line;
  }
}

TEST(GoldenTest, ConnectionsWide) {
  ExpectGolden("connections.wide", Render(ConnectionMap(), Format(OutputFormat::kWide)));
}

TEST(GoldenTest, ConnectionsJson) {
  ExpectGolden("connections.json", Render(ConnectionMap(), Format(OutputFormat::kJson)));
}

TEST(GoldenTest, ConnectionsJsonl) {
  ExpectGolden("connections.jsonl",
               Render(ConnectionMap(), Format(OutputFormat::kJsonl)));
}

TEST(GoldenTest, PerCpuSummed) {
  ExpectGolden("percpu.table", Render(PerCpuMap(), Format(OutputFormat::kTable)));
}

TEST(GoldenTest, PerCpuRows) {
  PrintOptions options = Format(OutputFormat::kTable);
  options.per_cpu = true;
  ExpectGolden("percpu_rows.table", Render(PerCpuMap(), options));
}

TEST(GoldenTest, PerCpuWideAndJsonl) {
  ExpectGolden("percpu.wide", Render(PerCpuMap(), Format(OutputFormat::kWide)));
  ExpectGolden("percpu.jsonl", Render(PerCpuMap(), Format(OutputFormat::kJsonl)));
}

TEST(GoldenTest, Globals) {
  ExpectGolden("globals.table", Render(GlobalsMap(), Format(OutputFormat::kTable)));
  ExpectGolden("globals.wide", Render(GlobalsMap(), Format(OutputFormat::kWide)));
  ExpectGolden("globals.json", Render(GlobalsMap(), Format(OutputFormat::kJson)));
  ExpectGolden("globals.jsonl", Render(GlobalsMap(), Format(OutputFormat::kJsonl)));
}

TEST(GoldenTest, RawPackedPage) {
  v1::DumpResponse page;
  page.set_count(2);
  page.set_keys(std::string("\x01\x00\x00\x00\x02\x00\x00\x00", 8));
  page.set_values(std::string("\xff\x00\x10\x20", 4));
  std::ostringstream out;
  auto printer = EntryPrinter::Create(ConnectionMap().info,
                                      Format(OutputFormat::kRaw), out);
  ASSERT_TRUE(printer.ok());
  ASSERT_TRUE((*printer)->AddPage(page).ok());
  ASSERT_TRUE((*printer)->Finish().ok());
  ExpectGolden("packed.raw", out.str());
}

TEST(GoldenTest, LayoutTrees) {
  const TestMap map = ConnectionMap();
  auto key = LayoutTree(map.info.key_layout());
  auto value = LayoutTree(map.info.value_layout());
  auto globals = LayoutTree(GlobalsMap().info.value_layout());
  ASSERT_TRUE(key.ok() && value.ok() && globals.ok());
  ExpectGolden("layout.txt", absl::StrCat(*key, "\n", *value, "\n", *globals));
}

// The JSON forms are the API's: the printers pass each entry's text through
// unchanged, so a line of jsonl is exactly {"key":K,"value":V}.
TEST(GoldenTest, JsonlIsTheApiText) {
  const TestMap map = ConnectionMap();
  const std::string out = Render(map, Format(OutputFormat::kJsonl));
  std::string expected;
  for (const auto& [key, value] : map.entries) {
    absl::StrAppend(&expected, "{\"key\":", key, ",\"value\":", value, "}\n");
  }
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace bpfwarden::cli::output
