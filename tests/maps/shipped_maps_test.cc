// TypedMap on the shipped maps of the default object, with real traffic:
// tcp_stats read as JSON (the peer shown as an address), and a tcp_tune rule
// written as JSON that the sock_ops program then applies.
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sys/socket.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "daemon/base/unique_fd.h"
#include "daemon/btf/btf_cache.h"
#include "daemon/maps/typed_map.h"
#include "gtest/gtest.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/default_object.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

// Opened from its pin with the object's own BTF answering for the kernel's,
// as the daemon opens the maps of a set it loaded (before Linux 5.16 the
// kernel's copy has lost the IP-address tags).
absl::StatusOr<TypedMap> OpenPinned(const ScopedPinDir& pins,
                                    const std::string& name,
                                    const DefaultObject& object) {
  const std::string path = absl::StrCat(pins.path(), "/", name);
  UniqueFd fd(bpf_obj_get(path.c_str()));
  if (!fd.valid()) return absl::NotFoundError(absl::StrCat("no pin ", path));
  BtfCache btf;
  btf.AddLoadedObject(bpf_object__btf(object.get()));
  return TypedMap::Open(std::move(fd), absl::StrCat("bpfwarden/", name), btf);
}

// Every entry of `map` as JSON, through paged dumps.
std::vector<JsonEntry> DumpJson(const TypedMap& map) {
  std::vector<JsonEntry> out;
  std::string token;
  do {
    auto page = map.Dump(token, {.page_size = 16});
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return out;
    auto json = map.ToJson(page->entries);
    EXPECT_TRUE(json.ok()) << json.status();
    if (!json.ok()) return out;
    out.insert(out.end(), json->begin(), json->end());
    token = page->next_token;
  } while (!token.empty());
  return out;
}

TEST(ShippedMapsTest, TcpStatsAndTcpTuneThroughJson) {
  BPFWARDEN_REQUIRE_KERNEL();
  std::string pin_path, cgroup_path;
  {
    auto pins = ScopedPinDir::Create("maps-shipped");
    ASSERT_TRUE(pins.ok()) << pins.status();
    auto cgroup = ScopedCgroup::Create("maps-shipped");
    ASSERT_TRUE(cgroup.ok()) << cgroup.status();
    pin_path = pins->path();
    cgroup_path = cgroup->path();
    {
      auto object = DefaultObject::Load(*pins);
      ASSERT_TRUE(object.ok()) << object.status();
      auto stats_link = object->Attach("tcp_stats_sockops", *cgroup);
      ASSERT_TRUE(stats_link.ok()) << stats_link.status();
      auto tune_link = object->Attach("tcp_tune_sockops", *cgroup);
      ASSERT_TRUE(tune_link.ok()) << tune_link.status();

      auto rules = OpenPinned(*pins, "tcp_tune_rules", *object);
      ASSERT_TRUE(rules.ok()) << rules.status();
      EXPECT_EQ(rules->info().type, BPF_MAP_TYPE_LPM_TRIE);
      // 127.0.0.0/8 as an IPv4-mapped prefix: 96 + 8.
      const Json rule_key = {{"prefixlen", 104}, {"addr", "127.0.0.0"}};
      const Json rule = {{"rule_id", 7},
                         {"initial_rto_ms", 0},
                         {"initial_rwnd_segments", 0},
                         {"pad", 0},
                         {"congestion", "reno"}};
      ASSERT_TRUE(rules->UpdateJson(rule_key, rule, UpdateFlag::kNoExist).ok());
      auto read_rule = rules->LookupJson(rule_key);
      ASSERT_TRUE(read_rule.ok()) << read_rule.status();
      EXPECT_EQ(*read_rule, rule);
      auto rule_entries = DumpJson(*rules);  // LPM: the next-key path
      ASSERT_EQ(rule_entries.size(), 1u);
      EXPECT_EQ(rule_entries[0].key, rule_key);

      auto exchange = RunTcpExchangeIn(
          *cgroup,
          {.family = AF_INET, .connections = 2, .bytes_per_connection = 1000});
      ASSERT_TRUE(exchange.ok()) << exchange.status();

      auto stats = OpenPinned(*pins, "tcp_stats", *object);
      ASSERT_TRUE(stats.ok()) << stats.status();
      EXPECT_EQ(stats->info().type, BPF_MAP_TYPE_LRU_HASH);
      bool found = false;
      for (const JsonEntry& e : DumpJson(*stats)) {  // LRU: the batch path
        if (e.key["cgroup_id"] != cgroup->id() ||
            e.key["remote_addr"] != "127.0.0.1" ||
            e.key["remote_port"] != exchange->server_port) {
          continue;
        }
        found = true;
        EXPECT_EQ(e.key["family"], AF_INET);
        EXPECT_EQ(e.value["active_opens"], 2);
        // The key decodes back to the bytes the program wrote.
        auto raw = stats->KeyFromJson(e.key);
        ASSERT_TRUE(raw.ok()) << raw.status();
        EXPECT_TRUE(stats->Lookup(*raw).ok());
      }
      EXPECT_TRUE(found) << "no tcp_stats entry for 127.0.0.1:"
                         << exchange->server_port << " in cgroup "
                         << cgroup->id();

      // The rule written as JSON took effect: congestion control was set.
      auto counters = OpenPinned(*pins, "tcp_tune_counters", *object);
      ASSERT_TRUE(counters.ok()) << counters.status();
      auto count = counters->LookupJson(Json{{"rule_id", 7}});
      ASSERT_TRUE(count.ok()) << count.status();
      EXPECT_GE((*count)["matched"].get<uint64_t>(), 2u);
      EXPECT_EQ((*count)["congestion_set"], (*count)["matched"]);
      EXPECT_EQ((*count)["congestion_failed"], 0);
    }
    // Links destroyed: nothing left attached.
    auto attached = AttachedProgramIds(cgroup->path(), BPF_CGROUP_SOCK_OPS);
    ASSERT_TRUE(attached.ok()) << attached.status();
    EXPECT_TRUE(attached->empty());
  }
  EXPECT_FALSE(std::filesystem::exists(pin_path));
  EXPECT_FALSE(std::filesystem::exists(cgroup_path));
}

}  // namespace
}  // namespace bpfwarden::testing

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

// tcp_tune_conn is socket storage: keyed by a socket fd, so it cannot be
// dumped or looked up from outside. That is a clear FAILED_PRECONDITION, not
// the kernel's bare ENOTSUPP.
TEST(ShippedMapsTest, SocketStorageIsRefusedClearly) {
  BPFWARDEN_REQUIRE_KERNEL();
  std::string pin_path;
  {
    auto pins = testing::ScopedPinDir::Create("maps-sk-storage");
    ASSERT_TRUE(pins.ok()) << pins.status();
    pin_path = pins->path();
    auto object = testing::DefaultObject::Load(*pins);
    ASSERT_TRUE(object.ok()) << object.status();
    UniqueFd fd(bpf_obj_get((pin_path + "/tcp_tune_conn").c_str()));
    ASSERT_TRUE(fd.valid());
    auto owner = TypedMap::Open(std::move(fd), "bpfwarden/tcp_tune_conn");
    ASSERT_TRUE(owner.ok()) << owner.status();
    EXPECT_EQ(owner->info().type, BPF_MAP_TYPE_SK_STORAGE);

    auto page = owner->Dump("", DumpOptions{});
    EXPECT_THAT(page, StatusIs(absl::StatusCode::kFailedPrecondition,
                               "local-storage map"));
    const uint32_t not_a_socket = 0;
    auto value = owner->Lookup(absl::Span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(&not_a_socket), sizeof(not_a_socket)));
    EXPECT_THAT(value, StatusIs(absl::StatusCode::kFailedPrecondition))
        << value.status();
  }
  EXPECT_FALSE(std::filesystem::exists(pin_path)) << "residue: " << pin_path;
}

}  // namespace
}  // namespace bpfwarden
