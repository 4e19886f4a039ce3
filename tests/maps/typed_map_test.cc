// TypedMap on real maps: typed round trips per map type, and every error
// code the kernel can give, mapped exactly.
#include "daemon/maps/typed_map.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/maps/map_fixture.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

Json Key(uint32_t id, const std::string& addr) {
  return Json{{"id", id}, {"addr", addr}};
}

Json Value(uint64_t packets, int32_t delta, const std::string& name) {
  return Json{{"packets", packets}, {"delta", delta}, {"name", name}};
}

class TypedMapTest : public MapTest {
 protected:
  // Update (ANY), lookup, delete, lookup again through JSON; and the raw
  // bytes agree with what JSON wrote.
  void RoundTrip(const TypedMap& map, const Json& key, const Json& value) {
    ASSERT_TRUE(map.UpdateJson(key, value, UpdateFlag::kAny).ok());
    auto read = map.LookupJson(key);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(*read, value);
    auto raw_key = map.KeyFromJson(key);
    ASSERT_TRUE(raw_key.ok());
    auto raw = map.Lookup(*raw_key);
    ASSERT_TRUE(raw.ok()) << raw.status();
    EXPECT_EQ(raw->size(), map.value_bytes());
    EXPECT_EQ(*map.ValueToJson(*raw), value);
  }
};

TEST_F(TypedMapTest, HashRoundTrip) {
  auto map = Create("flows", FlowHash());
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_FALSE(map->per_cpu());
  const Json key = Key(7, "192.0.2.1");
  RoundTrip(*map, key, Value(UINT64_MAX, -5, "eth0"));
  // The key's bytes: IPv4 stored IPv4-mapped.
  auto raw_key = map->KeyFromJson(key);
  ASSERT_TRUE(raw_key.ok());
  EXPECT_EQ((*raw_key)[4 + 10], 0xff);
  EXPECT_EQ((*raw_key)[4 + 15], 1);
  RoundTrip(*map, Key(8, "2001:db8::8"), Value(1, 2, "12345678"));
  ASSERT_TRUE(map->DeleteJson(key).ok());
  auto gone = map->LookupJson(key);
  ASSERT_FALSE(gone.ok());
  EXPECT_THAT(gone,
              StatusIs(absl::StatusCode::kNotFound, "lookup in test/flows"));
  auto layout = map->KeyLayout();
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->fields[1].kind, FieldKind::kIpAddr);
}

TEST_F(TypedMapTest, LruHashRoundTrip) {
  auto map = Create("lru", FlowHash(BPF_MAP_TYPE_LRU_HASH));
  ASSERT_TRUE(map.ok()) << map.status();
  RoundTrip(*map, Key(1, "10.0.0.1"), Value(3, 0, "lo"));
}

TEST_F(TypedMapTest, ArrayRoundTripAndDeleteRefused) {
  auto map = Create("array", U32Array());
  ASSERT_TRUE(map.ok()) << map.status();
  RoundTrip(*map, 3, Value(9, -9, "x"));
  // Every index exists, zeroed.
  EXPECT_EQ(*map->LookupJson(4), Value(0, 0, ""));
  auto del = map->DeleteJson(3);
  ASSERT_FALSE(del.ok());
  EXPECT_THAT(
      del, StatusIs(absl::StatusCode::kInvalidArgument, "cannot be deleted"));
  auto out_of_range = map->LookupJson(16);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_THAT(out_of_range, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TypedMapTest, PerCpuHashRoundTrip) {
  auto map = Create("percpu", FlowHash(BPF_MAP_TYPE_PERCPU_HASH));
  ASSERT_TRUE(map.ok()) << map.status();
  ASSERT_TRUE(map->per_cpu());
  const int cpus = libbpf_num_possible_cpus();
  ASSERT_EQ(map->num_cpus(), cpus);
  EXPECT_EQ(map->value_bytes(), static_cast<size_t>(cpus) * 24);
  Json per_cpu = Json::array();
  for (int cpu = 0; cpu < cpus; ++cpu) {
    per_cpu.push_back(Value(cpu * 10, -cpu, "cpu" + std::to_string(cpu)));
  }
  RoundTrip(*map, Key(1, "::1"), per_cpu);
  // One value for every CPU.
  const Json all = Value(5, 5, "all");
  ASSERT_TRUE(
      map->UpdateJson(Key(2, "::2"), Json{{"all_cpus", all}}, UpdateFlag::kAny)
          .ok());
  auto read = map->LookupJson(Key(2, "::2"));
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), static_cast<size_t>(cpus));
  for (const Json& one : *read) EXPECT_EQ(one, all);
  // A list of the wrong length names the rule.
  auto wrong =
      map->UpdateJson(Key(3, "::3"), Json::array({all}), UpdateFlag::kAny);
  if (cpus != 1) {
    ASSERT_FALSE(wrong.ok());
    EXPECT_THAT(wrong, StatusIs(absl::StatusCode::kInvalidArgument,
                                "array of exactly"));
  }
}

TEST_F(TypedMapTest, LpmTrieRoundTripAndLongestMatch) {
  auto map = Create("lpm", Lpm());
  ASSERT_TRUE(map.ok()) << map.status();
  // 10.0.0.0/8 is ::ffff:10.0.0.0/104 in a 16-byte field.
  const Json wide = Json{{"prefixlen", 104}, {"addr", "10.0.0.0"}};
  const Json narrow = Json{{"prefixlen", 120}, {"addr", "10.1.2.0"}};
  RoundTrip(*map, wide, Value(1, 0, "wide"));
  RoundTrip(*map, narrow, Value(2, 0, "narrow"));
  auto hit = map->LookupJson(Json{{"prefixlen", 128}, {"addr", "10.1.2.3"}});
  ASSERT_TRUE(hit.ok()) << hit.status();
  EXPECT_EQ((*hit)["name"], "narrow");
  hit = map->LookupJson(Json{{"prefixlen", 128}, {"addr", "10.9.9.9"}});
  ASSERT_TRUE(hit.ok()) << hit.status();
  EXPECT_EQ((*hit)["name"], "wide");
  auto miss = map->LookupJson(Json{{"prefixlen", 128}, {"addr", "11.0.0.1"}});
  ASSERT_FALSE(miss.ok());
  EXPECT_THAT(miss, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TypedMapTest, NoExistOnExistingIsAlreadyExists) {
  auto map = Create("noexist", FlowHash());
  ASSERT_TRUE(map.ok()) << map.status();
  ASSERT_TRUE(map->UpdateJson(Key(1, "10.0.0.1"), Value(1, 1, "a"),
                              UpdateFlag::kNoExist)
                  .ok());
  absl::Status again = map->UpdateJson(Key(1, "10.0.0.1"), Value(2, 2, "b"),
                                       UpdateFlag::kNoExist);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists)) << again;
  EXPECT_THAT(again.message(), HasSubstr("update (NOEXIST) test/noexist"));
  EXPECT_EQ((*map->LookupJson(Key(1, "10.0.0.1")))["name"], "a");
}

TEST_F(TypedMapTest, ExistOnMissingIsNotFound) {
  auto map = Create("exist", FlowHash());
  ASSERT_TRUE(map.ok()) << map.status();
  absl::Status missing =
      map->UpdateJson(Key(1, "10.0.0.1"), Value(1, 1, "a"), UpdateFlag::kExist);
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound)) << missing;
  ASSERT_TRUE(
      map->UpdateJson(Key(1, "10.0.0.1"), Value(1, 1, "a"), UpdateFlag::kAny)
          .ok());
  EXPECT_TRUE(
      map->UpdateJson(Key(1, "10.0.0.1"), Value(2, 2, "b"), UpdateFlag::kExist)
          .ok());
  auto del = map->DeleteJson(Key(9, "10.0.0.9"));
  EXPECT_THAT(del, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TypedMapTest, UpdateIntoFullHashIsResourceExhausted) {
  auto map = Create("full", FlowHash(BPF_MAP_TYPE_HASH, 4));
  ASSERT_TRUE(map.ok()) << map.status();
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        map->UpdateJson(Key(i, "10.0.0.1"), Value(i, 0, ""), UpdateFlag::kAny)
            .ok());
  }
  absl::Status full =
      map->UpdateJson(Key(99, "10.0.0.1"), Value(0, 0, ""), UpdateFlag::kAny);
  EXPECT_THAT(full, StatusIs(absl::StatusCode::kResourceExhausted)) << full;
  EXPECT_THAT(full.message(), HasSubstr("the map is full (4 entries)"));
  // Replacing an existing entry still works in a full map.
  EXPECT_TRUE(
      map->UpdateJson(Key(0, "10.0.0.1"), Value(7, 0, ""), UpdateFlag::kExist)
          .ok());
}

TEST_F(TypedMapTest, RawSizesAreChecked) {
  auto map = Create("sizes", FlowHash());
  ASSERT_TRUE(map.ok()) << map.status();
  auto bad_key = map->Lookup(Bytes(3));
  ASSERT_FALSE(bad_key.ok());
  EXPECT_THAT(bad_key, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(bad_key.status().message(),
            "lookup in test/sizes: the key is 20 bytes, got 3");
  absl::Status bad_value = map->Update(Bytes(20), Bytes(25), UpdateFlag::kAny);
  EXPECT_THAT(bad_value, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(bad_value.message(),
            "update (ANY) test/sizes: the value is 24 bytes, got 25");
  // Raw bytes of the right sizes work.
  Bytes key(20, 1), value(24, 2);
  ASSERT_TRUE(map->Update(key, value, UpdateFlag::kAny).ok());
  EXPECT_EQ(*map->Lookup(key), value);
}

TEST_F(TypedMapTest, JsonErrorsNameTheField) {
  auto map = Create("json", FlowHash());
  ASSERT_TRUE(map.ok()) << map.status();
  absl::Status overflow = map->UpdateJson(
      Key(1, "10.0.0.1"),
      Json{{"packets", 1}, {"delta", 2147483648ll}, {"name", ""}},
      UpdateFlag::kAny);
  EXPECT_THAT(overflow, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(overflow.message(),
            "value.delta: integer 2147483648 overflows int (max 2147483647)");
  absl::Status unknown = map->UpdateJson(Json{{"idx", 1}, {"addr", "::1"}},
                                         Value(0, 0, ""), UpdateFlag::kAny);
  EXPECT_EQ(unknown.message(),
            "key.idx: unknown field (struct flow_key has: id, addr)");
  absl::Status missing =
      map->UpdateJson(Json{{"addr", "::1"}}, Value(0, 0, ""), UpdateFlag::kAny);
  EXPECT_EQ(missing.message(), "key.id: missing field");
  // zero_fill allows it.
  EXPECT_TRUE(map->UpdateJson(Json{{"addr", "::1"}}, Json{{"packets", 4}},
                              UpdateFlag::kAny, {.zero_fill = true})
                  .ok());
  EXPECT_EQ(*map->LookupJson(Key(0, "::1")), Value(4, 0, ""));
}

TEST_F(TypedMapTest, FrozenMapWriteIsFailedPrecondition) {
  auto map = Create("frozen", FlowHash());
  ASSERT_TRUE(map.ok()) << map.status();
  ASSERT_TRUE(
      map->UpdateJson(Key(1, "10.0.0.1"), Value(1, 1, "a"), UpdateFlag::kAny)
          .ok());
  ASSERT_EQ(bpf_map_freeze(map->fd()), 0) << std::strerror(errno);
  absl::Status write =
      map->UpdateJson(Key(2, "10.0.0.2"), Value(1, 1, "a"), UpdateFlag::kAny);
  EXPECT_THAT(write, StatusIs(absl::StatusCode::kFailedPrecondition)) << write;
  EXPECT_THAT(write.message(), HasSubstr("the map is frozen"));
  // Reads still work.
  EXPECT_TRUE(map->LookupJson(Key(1, "10.0.0.1")).ok());
}

TEST_F(TypedMapTest, ReadOnlyFdWriteIsFailedPrecondition) {
  auto map = Create("rdonly", FlowHash());
  ASSERT_TRUE(map.ok()) << map.status();
  LIBBPF_OPTS(bpf_obj_get_opts, opts, .file_flags = BPF_F_RDONLY);
  UniqueFd fd(bpf_obj_get_opts((pin_dir_path_ + "/rdonly").c_str(), &opts));
  ASSERT_TRUE(fd.valid()) << std::strerror(errno);
  auto read_only = TypedMap::Open(std::move(fd), "test/rdonly-view");
  ASSERT_TRUE(read_only.ok()) << read_only.status();
  absl::Status write = read_only->UpdateJson(
      Key(1, "10.0.0.1"), Value(1, 1, "a"), UpdateFlag::kAny);
  EXPECT_THAT(write, StatusIs(absl::StatusCode::kFailedPrecondition)) << write;
  EXPECT_THAT(write.message(), HasSubstr("opened read-only"));
}

TEST_F(TypedMapTest, MapWithoutBtfIsRawOnly) {
  MapSpec spec = FlowHash();
  spec.with_btf = false;
  auto map = Create("nobtf", spec);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_FALSE(map->KeyLayout().has_value());
  auto json = map->LookupJson(Key(1, "::1"));
  ASSERT_FALSE(json.ok());
  EXPECT_THAT(json, StatusIs(absl::StatusCode::kFailedPrecondition,
                             "only raw bytes work"));
  Bytes key(20, 1), value(24, 2);
  ASSERT_TRUE(map->Update(key, value, UpdateFlag::kNoExist).ok());
  EXPECT_EQ(*map->Lookup(key), value);
}

TEST_F(TypedMapTest, ValueTypeThatCannotBeCodedIsRawOnly) {
  MapSpec spec = FlowHash();
  spec.value_type = ids_.ptr_value;
  auto map = Create("ptrvalue", spec);
  ASSERT_TRUE(map.ok()) << map.status();
  ASSERT_TRUE(map->key_codec().ok());
  auto value_codec = map->value_codec();
  ASSERT_FALSE(value_codec.ok());
  EXPECT_THAT(value_codec, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(value_codec.status().message(),
            "map test/ptrvalue: its value type cannot be coded as JSON "
            "(value.p: pointer unsigned int* cannot be coded: a kernel "
            "address means nothing here); only raw bytes work");
  // The key still codes; the value goes raw.
  auto key = map->KeyFromJson(Key(1, "::1"));
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(map->Update(*key, Bytes(24, 3), UpdateFlag::kAny).ok());
  EXPECT_EQ(*map->Lookup(*key), Bytes(24, 3));
}

TEST_F(TypedMapTest, ConcurrentJsonLookupsAndUpdates) {
  auto map = Create("concurrent", FlowHash(BPF_MAP_TYPE_HASH, 1024));
  ASSERT_TRUE(map.ok()) << map.status();
  constexpr int kThreads = 16;
  constexpr uint32_t kKeysPerThread = 32;
  constexpr int kRounds = 20;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 1; round <= kRounds; ++round) {
        for (uint32_t k = 0; k < kKeysPerThread; ++k) {
          const Json key = Key(t * 1000 + k, "2001:db8::1");
          if (!map->UpdateJson(key, Value(round, -t, "t"), UpdateFlag::kAny)
                   .ok()) {
            ++errors;
          }
          absl::StatusOr<Json> read = map->LookupJson(key);
          // Only this thread writes this key: it reads its own write.
          if (!read.ok() || (*read)["packets"] != round) ++errors;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    for (uint32_t k = 0; k < kKeysPerThread; ++k) {
      auto read = map->LookupJson(Key(t * 1000 + k, "2001:db8::1"));
      ASSERT_TRUE(read.ok()) << read.status();
      EXPECT_EQ(*read, Value(kRounds, -t, "t"));
    }
  }
}

}  // namespace
}  // namespace bpfwarden::testing
