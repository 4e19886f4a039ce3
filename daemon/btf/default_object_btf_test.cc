// The codec against the real BTF of the default object (//bpf:bpfwarden):
// the layout agrees with the C++ view of bpf/include/tcp_stats.h, and bytes
// written by C++ read back as the expected JSON and vice versa.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstring>
#include <random>

#include "bpf/bpfwarden_embedded.h"
#include "bpf/include/tcp_stats.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/decode_both.h"
#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::btf_testing::DecodeBoth;
using ::bpfwarden::btf_testing::DecodePerCpuBoth;
using ::bpfwarden::btf_testing::DecodeTextBoth;

class DefaultObjectBtfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::span<const uint8_t> elf = embedded::BpfwardenObject();
    auto types = BtfTypes::FromElf(elf.data(), elf.size());
    ASSERT_TRUE(types.ok()) << types.status();
    types_ = *types;
  }

  TypeCodec Codec(const std::string& name, const std::string& root) {
    auto id = types_->FindStruct(name);
    EXPECT_TRUE(id.ok()) << id.status();
    auto codec = TypeCodec::Create(types_, *id, root);
    EXPECT_TRUE(codec.ok()) << codec.status();
    return *std::move(codec);
  }

  std::shared_ptr<const BtfTypes> types_;
};

template <typename T>
std::span<const uint8_t> BytesOf(const T& value) {
  return {reinterpret_cast<const uint8_t*>(&value), sizeof(value)};
}

TEST_F(DefaultObjectBtfTest, KeyLayoutMatchesTheHeader) {
  TypeLayout layout = Codec("tcp_stats_key", "key").Layout();
  EXPECT_EQ(layout.size, sizeof(tcp_stats_key));
  ASSERT_EQ(layout.fields.size(), 6u);
  EXPECT_EQ(layout.fields[0].name, "family");
  EXPECT_EQ(layout.fields[0].type_name, "__u8");
  EXPECT_EQ(layout.fields[1].name, "direction");
  EXPECT_EQ(layout.fields[1].offset, offsetof(tcp_stats_key, direction));
  EXPECT_EQ(layout.fields[1].size, 1u);
  EXPECT_EQ(layout.fields[2].name, "local_port");
  EXPECT_EQ(layout.fields[2].offset, offsetof(tcp_stats_key, local_port));
  EXPECT_EQ(layout.fields[3].name, "remote_port");
  EXPECT_EQ(layout.fields[3].offset, offsetof(tcp_stats_key, remote_port));
  EXPECT_EQ(layout.fields[4].name, "remote_addr");
  EXPECT_EQ(layout.fields[4].kind, FieldKind::kIpAddr);
  EXPECT_EQ(layout.fields[4].offset, offsetof(tcp_stats_key, remote_addr));
  EXPECT_EQ(layout.fields[4].size, 16u);
  EXPECT_EQ(layout.fields[5].name, "cgroup_id");
  EXPECT_EQ(layout.fields[5].offset, offsetof(tcp_stats_key, cgroup_id));
  EXPECT_EQ(layout.fields[5].size, 8u);
}

TEST_F(DefaultObjectBtfTest, KeyBytesFromCppReadAsJson) {
  tcp_stats_key key{};
  key.family = AF_INET;
  key.direction = TCP_STATS_INITIATED;
  key.remote_port = 8080;
  key.remote_addr[10] = 0xff;
  key.remote_addr[11] = 0xff;
  inet_pton(AF_INET, "127.0.0.1", &key.remote_addr[12]);
  key.cgroup_id = 0x1234567890abcdefull;
  TypeCodec codec = Codec("tcp_stats_key", "key");
  auto json = codec.Encode(BytesOf(key));
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, Json::parse(R"({"family": 2,
      "direction": "TCP_STATS_INITIATED", "local_port": 0,
      "remote_port": 8080, "remote_addr": "127.0.0.1",
      "cgroup_id": 1311768467294899695})"));

  // And back, also from IPv6 text.
  auto bytes = DecodeBoth(codec, *json);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(std::memcmp(bytes->data(), &key, sizeof(key)), 0);
  Json v6 = *json;
  v6["family"] = AF_INET6;
  v6["remote_addr"] = "fe80::1";
  bytes = DecodeBoth(codec, v6);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  tcp_stats_key decoded;
  std::memcpy(&decoded, bytes->data(), sizeof(decoded));
  in6_addr expected;
  inet_pton(AF_INET6, "fe80::1", &expected);
  EXPECT_EQ(std::memcmp(decoded.remote_addr, &expected, 16), 0);
  EXPECT_EQ(decoded.family, AF_INET6);
}

TEST_F(DefaultObjectBtfTest, ValueRoundTripsAndNamesPaths) {
  tcp_stats_value value{};
  value.active_opens = 3;
  value.srtt_us = 4294967295u;
  value.bytes_acked = UINT64_MAX;
  value.last_seen_ms = 99;
  TypeCodec codec = Codec("tcp_stats_value", "value");
  EXPECT_EQ(codec.size(), sizeof(tcp_stats_value));
  auto json = codec.Encode(BytesOf(value));
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ((*json)["srtt_us"], 4294967295u);
  EXPECT_EQ((*json)["bytes_acked"].get<uint64_t>(), UINT64_MAX);
  auto bytes = DecodeBoth(codec, *json);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(std::memcmp(bytes->data(), &value, sizeof(value)), 0);

  Json overflow = *json;
  overflow["srtt_us"] = 4294967296;
  auto error = DecodeBoth(codec, overflow);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().message(),
            "value.srtt_us: integer 4294967296 overflows __u32 (max "
            "4294967295)");
}

// Any bytes of the shipped key and value types survive Encode then Decode
// exactly (char arrays that are not text come back as byte arrays).
TEST_F(DefaultObjectBtfTest, RandomBytesRoundTrip) {
  std::mt19937 random(42);
  for (const char* name :
       {"tcp_stats_key", "tcp_stats_value", "tcp_tune_key", "tcp_tune_rule",
        "tcp_tune_counter_key", "tcp_tune_counters"}) {
    SCOPED_TRACE(name);
    TypeCodec codec = Codec(name, "value");
    for (int round = 0; round < 200; ++round) {
      std::vector<uint8_t> bytes(codec.size());
      for (uint8_t& b : bytes) b = random() & 0xff;
      if (round % 2 == 0 && bytes.size() >= 16) {
        // Half the time, text-like bytes: a short NUL-terminated string
        // wherever a char array may be.
        for (size_t i = 0; i < bytes.size(); ++i) {
          bytes[i] = i % 16 < 5 ? 'a' + i % 16 : 0;
        }
      }
      auto json = codec.Encode(bytes);
      ASSERT_TRUE(json.ok()) << json.status();
      auto back = DecodeBoth(codec, *json);
      ASSERT_TRUE(back.ok()) << back.status() << " for " << DumpJson(*json);
      ASSERT_EQ(*back, bytes) << DumpJson(*json);
    }
  }
}

TEST_F(DefaultObjectBtfTest, TuneRuleCongestionIsText) {
  TypeCodec codec = Codec("tcp_tune_rule", "value");
  auto bytes = DecodeBoth(codec, Json{{"rule_id", 1},
                                 {"initial_rto_ms", 0},
                                 {"initial_rwnd_segments", 0},
                                 {"pad", 0},
                                 {"congestion", "cubic"}});
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ((*codec.Encode(*bytes))["congestion"], "cubic");
  auto too_long = DecodeBoth(codec, Json{{"rule_id", 1},
                                    {"initial_rto_ms", 0},
                                    {"initial_rwnd_segments", 0},
                                    {"pad", 0},
                                    {"congestion", "0123456789abcdefg"}});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().message(),
            "value.congestion: string of 17 bytes does not fit char[16]");
}

}  // namespace
}  // namespace bpfwarden
