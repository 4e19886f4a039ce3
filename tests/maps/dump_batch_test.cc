// TypedMap batches and paged dumps on real maps: partial batch failures
// report exactly what was applied; dumps page through every entry once by
// batch lookup and by next-key iteration, resume from tokens, and refuse
// stale ones.
#include <set>

#include "absl/status/status.h"
#include "daemon/maps/map_types.h"
#include "daemon/maps/typed_map.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/maps/map_fixture.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

Json Key(uint32_t id) { return Json{{"id", id}, {"addr", "10.0.0.1"}}; }
Json Value(uint64_t n) {
  return Json{{"packets", n}, {"delta", 0}, {"name", ""}};
}
Json Prefix(uint32_t n) {
  // Distinct /120 prefixes 10.0.n.0/24 (IPv4-mapped: 96 + 24).
  return Json{{"prefixlen", 120},
              {"addr", absl::StrCat("10.", n / 256, ".", n % 256, ".0")}};
}

class DumpBatchTest : public MapTest {
 protected:
  // Every page of a dump, following tokens; fails the test on an error.
  std::vector<MapEntry> DumpAll(const TypedMap& map, DumpOptions options,
                                size_t* pages = nullptr) {
    std::vector<MapEntry> all;
    std::string token;
    size_t count = 0;
    do {
      auto page = map.Dump(token, options);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->entries.size(), options.page_size + 8);
      all.insert(all.end(), page->entries.begin(), page->entries.end());
      token = page->next_token;
      ++count;
    } while (!token.empty() && count < 10000);
    if (pages != nullptr) *pages = count;
    return all;
  }

  // The ids of the decoded keys, and checks each value is packets == id.
  std::multiset<uint32_t> Ids(const TypedMap& map,
                              const std::vector<MapEntry>& entries) {
    std::multiset<uint32_t> ids;
    auto json = map.ToJson(entries);
    EXPECT_TRUE(json.ok()) << json.status();
    if (!json.ok()) return ids;
    for (const JsonEntry& e : *json) {
      const uint32_t id = e.key.contains("id") ? e.key["id"].get<uint32_t>()
                                               : e.key.get<uint32_t>();
      ids.insert(id);
      const Json& value = map.per_cpu() ? e.value[0] : e.value;
      EXPECT_EQ(value["packets"], id);
    }
    return ids;
  }

  void Fill(const TypedMap& map, uint32_t n) {
    std::vector<JsonEntry> entries;
    for (uint32_t i = 0; i < n; ++i) {
      Json value = Value(i);
      if (map.per_cpu()) value = Json{{"all_cpus", value}};
      entries.push_back(JsonEntry{Key(i), value});
    }
    BatchResult result = map.UpdateBatchJson(entries, UpdateFlag::kNoExist);
    ASSERT_TRUE(result.status.ok()) << result.status;
    ASSERT_EQ(result.applied, n);
  }

  std::multiset<uint32_t> Range(uint32_t n) {
    std::multiset<uint32_t> out;
    for (uint32_t i = 0; i < n; ++i) out.insert(i);
    return out;
  }
};

TEST_F(DumpBatchTest, HashDumpsEveryEntryOnceByBothMethods) {
  auto map = Create("dump", FlowHash(BPF_MAP_TYPE_HASH, 256));
  ASSERT_TRUE(map.ok()) << map.status();
  Fill(*map, 200);
  for (DumpMethod method :
       {DumpMethod::kAuto, DumpMethod::kBatch, DumpMethod::kNextKey}) {
    SCOPED_TRACE(static_cast<int>(method));
    size_t pages = 0;
    auto all = DumpAll(*map, {.page_size = 7, .method = method}, &pages);
    EXPECT_EQ(Ids(*map, all), Range(200));
    EXPECT_GE(pages, 200u / 15);  // really paged
  }
  // One page holds everything when it is large enough.
  auto one = map->Dump("", {.page_size = 1000});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->entries.size(), 200u);
  EXPECT_TRUE(one->next_token.empty());
}

TEST_F(DumpBatchTest, PerCpuAndLruAndArrayDump) {
  auto percpu = Create("percpu", FlowHash(BPF_MAP_TYPE_PERCPU_HASH, 128));
  ASSERT_TRUE(percpu.ok()) << percpu.status();
  Fill(*percpu, 50);
  EXPECT_EQ(Ids(*percpu, DumpAll(*percpu, {.page_size = 5})), Range(50));
  EXPECT_EQ(Ids(*percpu, DumpAll(*percpu, {.page_size = 5,
                                           .method = DumpMethod::kNextKey})),
            Range(50));

  auto lru = Create("lru", FlowHash(BPF_MAP_TYPE_LRU_HASH, 128));
  ASSERT_TRUE(lru.ok()) << lru.status();
  Fill(*lru, 40);
  EXPECT_EQ(Ids(*lru, DumpAll(*lru, {.page_size = 3})), Range(40));

  auto array = Create("array", U32Array(30));
  ASSERT_TRUE(array.ok()) << array.status();
  for (uint32_t i = 0; i < 30; ++i) {
    ASSERT_TRUE(array->UpdateJson(i, Value(i), UpdateFlag::kAny).ok());
  }
  for (DumpMethod method : {DumpMethod::kBatch, DumpMethod::kNextKey}) {
    EXPECT_EQ(Ids(*array, DumpAll(*array, {.page_size = 4, .method = method})),
              Range(30));
  }
}

// By batch where the kernel answers it (probed once), else by next-key;
// both give every prefix.
TEST_F(DumpBatchTest, LpmTrieByBatchWhereProbedElseNextKey) {
  auto map = Create("lpm", Lpm(128));
  ASSERT_TRUE(map.ok()) << map.status();
  for (uint32_t i = 0; i < 60; ++i) {
    ASSERT_TRUE(
        map->UpdateJson(Prefix(i), Value(i), UpdateFlag::kNoExist).ok());
  }
  auto all = DumpAll(*map, {.page_size = 8});
  ASSERT_EQ(all.size(), 60u);
  std::set<std::string> prefixes;
  auto json = map->ToJson(all);
  ASSERT_TRUE(json.ok()) << json.status();
  for (const JsonEntry& e : *json) prefixes.insert(e.key["addr"]);
  EXPECT_EQ(prefixes.size(), 60u);
  EXPECT_TRUE(prefixes.contains("10.0.59.0"));
  if (!KernelHasLpmLookupBatch()) {
    auto batch = map->Dump("", {.page_size = 8, .method = DumpMethod::kBatch});
    EXPECT_THAT(batch, StatusIs(absl::StatusCode::kUnimplemented));
    return;
  }
  auto by_next_key =
      DumpAll(*map, {.page_size = 8, .method = DumpMethod::kNextKey});
  EXPECT_EQ(by_next_key.size(), 60u);
  auto by_batch = DumpAll(*map, {.page_size = 8, .method = DumpMethod::kBatch});
  ASSERT_EQ(by_batch.size(), 60u);
  for (size_t i = 0; i < by_batch.size(); ++i) {
    EXPECT_EQ(by_batch[i].key, by_next_key[i].key) << i;
    EXPECT_EQ(by_batch[i].value, by_next_key[i].value) << i;
  }
}

TEST_F(DumpBatchTest, StaleTokenAfterResumeKeyDeletedHash) {
  auto map = Create("stale", FlowHash(BPF_MAP_TYPE_HASH, 64));
  ASSERT_TRUE(map.ok()) << map.status();
  Fill(*map, 20);
  auto page = map->Dump("", {.page_size = 5, .method = DumpMethod::kNextKey});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_token.empty());
  ASSERT_TRUE(map->Delete(page->entries.back().key).ok());
  auto resumed = map->Dump(page->next_token, {.page_size = 5});
  ASSERT_FALSE(resumed.ok());
  EXPECT_THAT(resumed, StatusIs(absl::StatusCode::kFailedPrecondition,
                                "stale resume token"));
}

TEST_F(DumpBatchTest, StaleTokenAfterResumeKeyDeletedLpm) {
  // An LPM lookup of the deleted prefix still matches a covering prefix;
  // the restart is still caught.
  auto map = Create("stalelpm", Lpm(64));
  ASSERT_TRUE(map.ok()) << map.status();
  const Json cover = Json{{"prefixlen", 96}, {"addr", "0.0.0.0"}};
  ASSERT_TRUE(map->UpdateJson(cover, Value(999), UpdateFlag::kAny).ok());
  for (uint32_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(map->UpdateJson(Prefix(i), Value(i), UpdateFlag::kAny).ok());
  }
  auto page = map->Dump("", {.page_size = 5});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_token.empty());
  auto last = map->KeyToJson(page->entries.back().key);
  ASSERT_TRUE(last.ok());
  ASSERT_NE(*last, cover) << "the covering prefix sorts last in the trie";
  ASSERT_TRUE(map->Delete(page->entries.back().key).ok());
  auto resumed = map->Dump(page->next_token, {.page_size = 5});
  ASSERT_FALSE(resumed.ok());
  EXPECT_THAT(resumed, StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(DumpBatchTest, TokensOfAnotherMapOrGarbage) {
  auto a = Create("a", FlowHash());
  auto b = Create("b", FlowHash());
  ASSERT_TRUE(a.ok() && b.ok());
  Fill(*a, 10);
  Fill(*b, 10);
  auto page = a->Dump("", {.page_size = 2});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_token.empty());
  auto other = b->Dump(page->next_token, {.page_size = 2});
  ASSERT_FALSE(other.ok());
  EXPECT_THAT(other, StatusIs(absl::StatusCode::kFailedPrecondition,
                              "stale resume token"));
  auto garbage = a->Dump("bm90IGEgdG9rZW4", {.page_size = 2});
  ASSERT_FALSE(garbage.ok());
  EXPECT_THAT(garbage, StatusIs(absl::StatusCode::kInvalidArgument));
  auto wrong_method = a->Dump(page->next_token,
                              {.page_size = 2, .method = DumpMethod::kNextKey});
  ASSERT_FALSE(wrong_method.ok());
  EXPECT_THAT(wrong_method, StatusIs(absl::StatusCode::kInvalidArgument));
  auto zero = a->Dump("", {.page_size = 0});
  EXPECT_THAT(zero, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(DumpBatchTest, BatchUpdateStopsAtFirstFailure) {
  for (bpf_map_type type : {BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_LPM_TRIE}) {
    SCOPED_TRACE(type);
    const bool lpm = type == BPF_MAP_TYPE_LPM_TRIE;
    auto map =
        Create(lpm ? "batchlpm" : "batchhash", lpm ? Lpm() : FlowHash(type));
    ASSERT_TRUE(map.ok()) << map.status();
    auto key = [&](uint32_t i) { return lpm ? Prefix(i) : Key(i); };
    ASSERT_TRUE(map->UpdateJson(key(2), Value(2), UpdateFlag::kAny).ok());
    std::vector<JsonEntry> entries;
    for (uint32_t i = 0; i < 5; ++i) entries.push_back({key(i), Value(i)});
    BatchResult result = map->UpdateBatchJson(entries, UpdateFlag::kNoExist);
    EXPECT_EQ(result.applied, 2u);
    EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kAlreadyExists))
        << result.status;
    EXPECT_THAT(result.status.message(),
                HasSubstr("entry 2 of 5: update (NOEXIST) test/batch"));
    EXPECT_THAT(result.status.message(),
                HasSubstr("(entries 0..1 applied, none after)"));
    EXPECT_TRUE(map->LookupJson(key(0)).ok());
    EXPECT_TRUE(map->LookupJson(key(1)).ok());
    EXPECT_THAT(map->LookupJson(key(3)), StatusIs(absl::StatusCode::kNotFound));

    // EXIST on a batch whose first entry is missing applies nothing.
    std::vector<JsonEntry> missing = {{key(9), Value(9)}, {key(0), Value(0)}};
    BatchResult none = map->UpdateBatchJson(missing, UpdateFlag::kExist);
    EXPECT_EQ(none.applied, 0u);
    EXPECT_THAT(none.status,
                StatusIs(absl::StatusCode::kNotFound, "(nothing applied)"));

    // Delete stops at the first missing key, after deleting the ones before.
    BatchResult del = map->DeleteBatchJson({key(0), key(7), key(1)});
    EXPECT_EQ(del.applied, 1u);
    EXPECT_THAT(del.status, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(map->LookupJson(key(0)), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_TRUE(map->LookupJson(key(1)).ok());
  }
}

TEST_F(DumpBatchTest, BatchIntoFullHashAndBadEntries) {
  auto map = Create("batchfull", FlowHash(BPF_MAP_TYPE_HASH, 3));
  ASSERT_TRUE(map.ok()) << map.status();
  std::vector<JsonEntry> entries;
  for (uint32_t i = 0; i < 5; ++i) entries.push_back({Key(i), Value(i)});
  BatchResult full = map->UpdateBatchJson(entries, UpdateFlag::kAny);
  EXPECT_EQ(full.applied, 3u);
  EXPECT_THAT(full.status, StatusIs(absl::StatusCode::kResourceExhausted))
      << full.status;

  // A bad entry anywhere is caught before the kernel sees any.
  std::vector<JsonEntry> bad = {{Key(10), Value(1)},
                                {Key(11), Json{{"packets", -1}}}};
  BatchResult rejected = map->UpdateBatchJson(bad, UpdateFlag::kAny);
  EXPECT_EQ(rejected.applied, 0u);
  EXPECT_THAT(rejected.status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "entry 1 of 2: value.packets: integer -1 underflows"));
  std::vector<MapEntry> raw = {{Bytes(20), Bytes(24)}, {Bytes(19), Bytes(24)}};
  BatchResult raw_rejected = map->UpdateBatch(raw, UpdateFlag::kAny);
  EXPECT_EQ(raw_rejected.applied, 0u);
  EXPECT_EQ(raw_rejected.status.message(),
            "entry 1 of 2: batch update (ANY) test/batchfull: the key is 20 "
            "bytes, got 19 (nothing applied)");
}

}  // namespace
}  // namespace bpfwarden::testing
