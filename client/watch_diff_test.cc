// watch's diff of two dumps: added, changed (per field, old and new),
// removed, in key order; per-CPU values compared summed; a map without BTF
// compared as its whole value.
#include <string>
#include <vector>

#include "client/watch_command.h"
#include "gtest/gtest.h"

namespace bpfwarden::cli {
namespace {

std::vector<output::EntryField> Fields() {
  return *output::EntryFields(
      R"({"kind":"struct","fields":[{"name":"id","kind":"int"}]})",
      R"({"kind":"struct","fields":[{"name":"bytes","kind":"int"},
          {"name":"cc","kind":"char_array"}]})");
}

TEST(WatchDiffTest, AddedChangedRemovedInKeyOrder) {
  Snapshot before = {{R"({"id":1})", R"({"bytes":10,"cc":"reno"})"},
                     {R"({"id":2})", R"({"bytes":20,"cc":"reno"})"},
                     {R"({"id":3})", R"({"bytes":30,"cc":"reno"})"}};
  Snapshot after = {{R"({"id":1})", R"({"bytes":10,"cc":"reno"})"},
                    {R"({"id":2})", R"({"bytes":25,"cc":"cubic"})"},
                    {R"({"id":4})", R"({"bytes":1,"cc":""})"}};
  std::vector<Change> changes = Diff(before, after, Fields(), false);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].kind, Change::kChanged);
  EXPECT_EQ(changes[0].key, R"({"id":2})");
  ASSERT_EQ(changes[0].fields.size(), 2u);
  EXPECT_EQ(changes[0].fields[0].first, "value.bytes");
  EXPECT_EQ(changes[0].fields[0].second.first, 20);
  EXPECT_EQ(changes[0].fields[0].second.second, 25);
  EXPECT_EQ(changes[0].fields[1].first, "value.cc");
  EXPECT_EQ(changes[0].fields[1].second.second, "cubic");
  EXPECT_EQ(changes[1].kind, Change::kRemoved);
  EXPECT_EQ(changes[1].key, R"({"id":3})");
  EXPECT_EQ(changes[1].value, R"({"bytes":30,"cc":"reno"})");
  EXPECT_EQ(changes[2].kind, Change::kAdded);
  EXPECT_EQ(changes[2].key, R"({"id":4})");
  EXPECT_TRUE(Diff(after, after, Fields(), false).empty());
}

TEST(WatchDiffTest, PerCpuValuesComparedSummed) {
  Snapshot before = {{R"({"id":1})", R"([{"bytes":1,"cc":""},{"bytes":2,"cc":""}])"}};
  Snapshot after = {{R"({"id":1})", R"([{"bytes":2,"cc":""},{"bytes":4,"cc":""}])"}};
  std::vector<Change> changes = Diff(before, after, Fields(), true);
  ASSERT_EQ(changes.size(), 1u);
  ASSERT_EQ(changes[0].fields.size(), 1u);
  EXPECT_EQ(changes[0].fields[0].second.first, 3);
  EXPECT_EQ(changes[0].fields[0].second.second, 6);
}

TEST(WatchDiffTest, WithoutBtfTheWholeValue) {
  std::vector<output::EntryField> raw = *output::EntryFields("", "");
  Snapshot before = {{R"("0100")", R"("aa")"}};
  Snapshot after = {{R"("0100")", R"("bb")"}};
  std::vector<Change> changes = Diff(before, after, raw, false);
  ASSERT_EQ(changes.size(), 1u);
  ASSERT_EQ(changes[0].fields.size(), 1u);
  EXPECT_EQ(changes[0].fields[0].first, "value");
  EXPECT_EQ(changes[0].fields[0].second.first, "aa");
  EXPECT_EQ(changes[0].fields[0].second.second, "bb");
}

}  // namespace
}  // namespace bpfwarden::cli
