// The map data path's fast forms, end to end against a bpfwardend started
// by the test: packed Dump pages (raw bytes back to back, JSON lines) carry
// exactly what the per-entry form carries.
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

constexpr char kCounters[] = "tcp_tune_counters";  // hash, __u32 key

class MapFastPathsTest : public ApiFixture {
 protected:
  // Writes `n` counter entries in one batch: rule_id i -> matched = i * 3.
  void Fill(int n) {
    v1::UpdateRequest update;
    update.mutable_map()->set_program_set(kSet);
    update.mutable_map()->set_map(kCounters);
    for (int i = 0; i < n; ++i) {
      v1::Entry* e = update.add_entries();
      e->mutable_key()->set_json(absl::StrCat(R"({"rule_id":)", i, "}"));
      e->mutable_value()->set_json(absl::StrCat(R"({"matched":)", i * 3, "}"));
    }
    update.set_zero_fill(true);
    v1::UpdateResponse updated;
    ASSERT_THAT(maps_->Update(Ctx().get(), update, &updated),
                StatusIs(grpc::StatusCode::OK));
    ASSERT_EQ(updated.updated(), static_cast<uint32_t>(n));
  }

  // Every page of a dump of the counters map.
  std::vector<v1::DumpResponse> DumpAll(v1::Encoding encoding, bool packed) {
    v1::DumpRequest dump;
    dump.mutable_map()->set_program_set(kSet);
    dump.mutable_map()->set_map(kCounters);
    dump.set_page_size(64);
    dump.set_encoding(encoding);
    dump.set_packed(packed);
    auto ctx = Ctx();
    auto reader = maps_->Dump(ctx.get(), dump);
    StreamResult<v1::DumpResponse> read = ReadStream(*reader);
    EXPECT_THAT(read.status, StatusIs(grpc::StatusCode::OK));
    return read.messages;
  }
};

TEST_F(MapFastPathsTest, PackedPagesCarryWhatEntriesCarry) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-packed"));
  constexpr int kEntries = 300;
  Fill(kEntries);

  // The per-entry form, as clients that ask for nothing new get it.
  std::map<std::string, std::string> json_entries;  // key text -> value text
  std::map<std::string, std::string> raw_entries;
  for (const auto& page : DumpAll(v1::ENCODING_JSON, false)) {
    EXPECT_EQ(page.count(), 0u);
    EXPECT_TRUE(page.json_lines().empty());
    for (const auto& e : page.entries()) {
      json_entries[e.key().json()] = e.value().json();
    }
  }
  for (const auto& page : DumpAll(v1::ENCODING_RAW, false)) {
    for (const auto& e : page.entries()) {
      raw_entries[e.key().raw()] = e.value().raw();
    }
  }
  ASSERT_EQ(json_entries.size(), static_cast<size_t>(kEntries));
  ASSERT_EQ(raw_entries.size(), static_cast<size_t>(kEntries));

  // JSON lines: one {"key":K,"value":V} a line, the same texts.
  size_t lines_seen = 0;
  for (const auto& page : DumpAll(v1::ENCODING_JSON, true)) {
    EXPECT_EQ(page.entries_size(), 0);
    std::vector<std::string> lines =
        absl::StrSplit(page.json_lines(), '\n', absl::SkipEmpty());
    EXPECT_EQ(lines.size(), page.count());
    for (const std::string& line : lines) {
      auto parsed = nlohmann::ordered_json::parse(line);
      const std::string key = parsed["key"].dump();
      ASSERT_EQ(json_entries.count(key), 1u) << line;
      EXPECT_EQ(line, absl::StrCat(R"({"key":)", key, R"(,"value":)",
                                   json_entries[key], "}"));
      ++lines_seen;
    }
  }
  EXPECT_EQ(lines_seen, static_cast<size_t>(kEntries));

  // Raw: keys and values back to back, the same bytes.
  size_t raw_seen = 0;
  for (const auto& page : DumpAll(v1::ENCODING_RAW, true)) {
    EXPECT_EQ(page.entries_size(), 0);
    ASSERT_EQ(page.keys().size(), page.count() * 4u);
    ASSERT_EQ(page.values().size(), page.count() * 40u);
    for (size_t i = 0; i < page.count(); ++i) {
      const std::string key = page.keys().substr(i * 4, 4);
      ASSERT_EQ(raw_entries.count(key), 1u);
      EXPECT_EQ(page.values().substr(i * 40, 40), raw_entries[key]);
      ++raw_seen;
    }
  }
  EXPECT_EQ(raw_seen, static_cast<size_t>(kEntries));
}

// Each key of a batch Lookup gets its own result; packed keys get packed
// answers.
TEST_F(MapFastPathsTest, LookupBatchAnswersEachKey) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-lookup-batch"));
  Fill(10);

  v1::LookupBatchRequest req;
  req.mutable_map()->set_program_set(kSet);
  req.mutable_map()->set_map(kCounters);
  req.add_keys()->set_json(R"({"rule_id":3})");
  req.add_keys()->set_json(R"({"rule_id":99})");
  req.add_keys()->set_json(R"({"rule_id":"x"})");
  uint32_t raw_key = 4;
  req.add_keys()->set_raw(&raw_key, sizeof(raw_key));
  req.set_encoding(v1::ENCODING_JSON);
  v1::LookupBatchResponse resp;
  ASSERT_THAT(maps_->LookupBatch(Ctx().get(), req, &resp),
              StatusIs(grpc::StatusCode::OK));
  ASSERT_EQ(resp.results_size(), 4);
  EXPECT_EQ(resp.results(0).code(), grpc::StatusCode::OK);
  EXPECT_EQ(nlohmann::json::parse(resp.results(0).value().json())["matched"],
            9);
  EXPECT_EQ(resp.results(1).code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(resp.results(2).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(resp.results(2).message().rfind("keys[2].rule_id: ", 0), 0u)
      << resp.results(2).message();
  EXPECT_EQ(resp.results(3).code(), grpc::StatusCode::OK);
  EXPECT_EQ(nlohmann::json::parse(resp.results(3).value().json())["matched"],
            12);

  // Packed: keys 0..11 back to back; 10 and 11 are missing.
  v1::LookupBatchRequest packed;
  *packed.mutable_map() = req.map();
  for (uint32_t k = 0; k < 12; ++k) {
    packed.mutable_packed_keys()->append(reinterpret_cast<const char*>(&k), 4);
  }
  v1::LookupBatchResponse packed_resp;
  ASSERT_THAT(maps_->LookupBatch(Ctx().get(), packed, &packed_resp),
              StatusIs(grpc::StatusCode::OK));
  ASSERT_EQ(packed_resp.found().size(), 12u);
  ASSERT_EQ(packed_resp.packed_values().size(), 12u * 40);
  for (uint32_t k = 0; k < 12; ++k) {
    EXPECT_EQ(packed_resp.found()[k], k < 10 ? 1 : 0) << k;
    uint64_t matched;
    std::memcpy(&matched, packed_resp.packed_values().data() + k * 40, 8);
    EXPECT_EQ(matched, k < 10 ? k * 3 : 0) << k;
  }

  // Bad shapes are INVALID_ARGUMENT for the whole call.
  packed.mutable_packed_keys()->push_back('x');
  EXPECT_THAT(maps_->LookupBatch(Ctx().get(), packed, &packed_resp),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "whole number"));
  v1::LookupBatchRequest none;
  *none.mutable_map() = req.map();
  EXPECT_THAT(maps_->LookupBatch(Ctx().get(), none, &packed_resp),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "none given"));
}

// A batch as large as the server takes is spread over the daemon's worker
// threads (daemon/base/work_pool.h): every key still gets its own result in
// its own place, and an error names the key it came from.
TEST_F(MapFastPathsTest, FullBatchAnswersEachKeyInPlace) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-lookup-full-batch"));
  constexpr uint32_t kFilled = 600;
  constexpr uint32_t kKeys = 1024;  // the server's default max_batch
  Fill(kFilled);

  v1::LookupBatchRequest packed;
  packed.mutable_map()->set_program_set(kSet);
  packed.mutable_map()->set_map(kCounters);
  for (uint32_t k = 0; k < kKeys; ++k) {
    packed.mutable_packed_keys()->append(reinterpret_cast<const char*>(&k), 4);
  }
  v1::LookupBatchResponse packed_resp;
  ASSERT_THAT(maps_->LookupBatch(Ctx().get(), packed, &packed_resp),
              StatusIs(grpc::StatusCode::OK));
  ASSERT_EQ(packed_resp.found().size(), kKeys);
  ASSERT_EQ(packed_resp.packed_values().size(), kKeys * 40);
  for (uint32_t k = 0; k < kKeys; ++k) {
    ASSERT_EQ(packed_resp.found()[k], k < kFilled ? 1 : 0) << k;
    uint64_t matched;
    std::memcpy(&matched, packed_resp.packed_values().data() + k * 40, 8);
    ASSERT_EQ(matched, k < kFilled ? k * 3 : 0) << k;
  }

  // Typed, with bad keys at both ends and in the middle.
  v1::LookupBatchRequest typed;
  *typed.mutable_map() = packed.map();
  typed.set_encoding(v1::ENCODING_JSON);
  const std::set<uint32_t> bad = {0, 511, 512, 1023};
  for (uint32_t k = 0; k < kKeys; ++k) {
    typed.add_keys()->set_json(bad.count(k) ? R"({"rule_id":-1})"
                                            : absl::StrCat(R"({"rule_id":)",
                                                           k, "}"));
  }
  v1::LookupBatchResponse typed_resp;
  ASSERT_THAT(maps_->LookupBatch(Ctx().get(), typed, &typed_resp),
              StatusIs(grpc::StatusCode::OK));
  ASSERT_EQ(typed_resp.results_size(), static_cast<int>(kKeys));
  for (uint32_t k = 0; k < kKeys; ++k) {
    const v1::LookupResult& result = typed_resp.results(k);
    if (bad.count(k)) {
      ASSERT_EQ(result.code(), grpc::StatusCode::INVALID_ARGUMENT) << k;
      ASSERT_EQ(result.message().rfind(absl::StrCat("keys[", k, "].rule_id: "),
                                       0),
                0u)
          << result.message();
    } else if (k < kFilled) {
      ASSERT_EQ(result.code(), grpc::StatusCode::OK) << k;
      ASSERT_EQ(nlohmann::json::parse(result.value().json())["matched"], k * 3)
          << k;
    } else {
      ASSERT_EQ(result.code(), grpc::StatusCode::NOT_FOUND) << k;
    }
  }
}

}  // namespace
}  // namespace bpfwarden::testing
