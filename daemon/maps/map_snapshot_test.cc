#include "daemon/maps/map_snapshot.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

using Kind = EntryChange::Kind;

// One-byte keys and values: {key, value} pairs in any order.
MapSnapshot Snap(const std::vector<std::pair<char, char>>& entries) {
  std::string keys;
  std::string values;
  for (auto [k, v] : entries) {
    keys.push_back(k);
    values.push_back(v);
  }
  return MapSnapshot(1, 1, keys, values, entries.size());
}

std::string Show(const ChangeList& changes) {
  std::string out;
  for (const EntryChange& c : changes) {
    const char* kind = c.kind == Kind::kAdded     ? "+"
                       : c.kind == Kind::kChanged ? "~"
                                                  : "-";
    out += kind + c.key + ":" + c.old_value + ">" + c.new_value + " ";
  }
  return out;
}

TEST(MapSnapshotTest, SortsByKeyAndKeepsTheLaterCopyOfARepeatedKey) {
  MapSnapshot s = Snap({{'c', '1'}, {'a', '2'}, {'c', '3'}, {'b', '4'}});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.key(0), "a");
  EXPECT_EQ(s.key(1), "b");
  EXPECT_EQ(s.key(2), "c");
  EXPECT_EQ(s.value(2), "3");
}

TEST(MapSnapshotTest, DiffNamesAddedChangedAndRemovedInKeyOrder) {
  MapSnapshot before = Snap({{'a', '1'}, {'b', '2'}, {'c', '3'}});
  MapSnapshot after = Snap({{'d', '4'}, {'b', '9'}, {'c', '3'}});
  EXPECT_EQ(Show(Diff(before, after)), "-a:1> ~b:2>9 +d:>4 ");
  EXPECT_TRUE(Diff(after, after).empty());
}

TEST(MapSnapshotTest, CoalesceGivesTheNetChange) {
  MapSnapshot s0 = Snap({{'a', '1'}, {'b', '2'}, {'c', '3'}});
  MapSnapshot s1 = Snap({{'b', '5'}, {'c', '3'}, {'x', '7'}, {'y', '8'}});
  MapSnapshot s2 = Snap({{'a', '6'}, {'b', '2'}, {'x', '9'}});
  ChangeList net = Coalesce(Diff(s0, s1), Diff(s1, s2));
  // a removed then re-added: changed; b changed back: nothing; c removed;
  // x added then changed: added; y added then removed: nothing.
  EXPECT_EQ(Show(net), "~a:1>6 -c:3> +x:>9 ");
  EXPECT_EQ(Show(net), Show(Diff(s0, s2)));
}

}  // namespace
}  // namespace bpfwarden
