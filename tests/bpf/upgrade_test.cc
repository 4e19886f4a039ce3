// Upgrading over maps pinned by the previous layout of tcp_stats: the
// daemon's core (a Warden, in process) refuses to reuse them, naming the map
// and what differs, and keeps their data; the documented ways out give the
// new layout: a load with replace_maps (the API's and the CLI's
// --replace_maps), or, for a set from the configuration, removing the old
// pins before the daemon starts.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "bpf/include/tcp_stats.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/core_types.h"
#include "daemon/core/warden.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/bpf/stats_entries.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/loopback_tcp.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kSet[] = "bpfwarden";
constexpr uint64_t kOldOpens = 41;

v1::ProgramSet Builtin() {
  v1::ProgramSet set;
  set.set_name(kSet);
  set.set_builtin(true);
  return set;
}

class UpgradeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    auto scope = TestScope::Create(CurrentTestTag());
    ASSERT_TRUE(scope.ok()) << scope.status();
    scope_.emplace(*std::move(scope));
    auto state = ScopedTempDir::Create("upgrade-state");
    ASSERT_TRUE(state.ok()) << state.status();
    state_.emplace(*std::move(state));
    options_.pin_root = scope_->pins().path() + "/root";
    options_.state_dir = state_->path();
    options_.platform = DetectedKernelPlatform();
    set_dir_ = absl::StrCat(options_.pin_root, "/", kSet);
    ASSERT_NO_FATAL_FAILURE(PinOldMaps());
  }

  void TearDown() override {
    warden_.reset();  // detaches what it attached
    if (scope_) {
      EXPECT_THAT(scope_->Finish(), ::testing::IsEmpty());
    }
  }

  // What the previous release left in bpffs: its tcp_stats maps pinned in
  // the set's directory, one entry of counts in the old layout.
  void PinOldMaps() {
    ASSERT_EQ(::mkdir(options_.pin_root.c_str(), 0700), 0);
    LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = set_dir_.c_str());
    ASSERT_EQ(::mkdir(set_dir_.c_str(), 0700), 0);
    BpfObjectPtr old(bpf_object__open_file(
        Runfile("tests/bpf/legacy.bpf.o").c_str(), &opts));
    ASSERT_NE(old, nullptr);
    ASSERT_EQ(bpf_object__load(old.get()), 0);
    const uint8_t key[32] = {AF_INET};
    uint64_t value[10] = {kOldOpens};
    ASSERT_EQ(bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(
                                      old.get(), "tcp_stats")),
                                  key, value, BPF_ANY),
              0);
  }

  void CreateWarden() {
    auto warden = Warden::Create(options_);
    ASSERT_TRUE(warden.ok()) << warden.status();
    warden_ = *std::move(warden);
  }

  std::string Pin(const std::string& map) const {
    return absl::StrCat(set_dir_, "/", map);
  }

  // The value size of the map pinned at Pin(map).
  uint32_t PinnedValueSize(const std::string& map) const {
    UniqueFd fd(bpf_obj_get(Pin(map).c_str()));
    EXPECT_TRUE(fd.valid()) << Pin(map);
    bpf_map_info info{};
    uint32_t len = sizeof(info);
    if (!fd.valid() || bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) {
      return 0;
    }
    return info.value_size;
  }

  // The new programs count into the new layout: one entry a side.
  void ExpectCounting() {
    v1::Attachment att;
    att.set_program_set(kSet);
    att.set_program("tcp_stats_sockops");
    att.set_cgroup(scope_->cgroup().path());
    auto attached = warden_->Attach(att);
    ASSERT_TRUE(attached.ok()) << attached.status();
    auto exchange = RunTcpExchangeIn(scope_->cgroup(),
                                     {.family = AF_INET, .connections = 3});
    ASSERT_TRUE(exchange.ok()) << exchange.status();
    UniqueFd stats(bpf_obj_get(Pin("tcp_stats").c_str()));
    ASSERT_TRUE(stats.valid());
    const auto entries = StatsEntries(stats.get());
    EXPECT_EQ(entries.size(), 2u);  // the old entry is gone
    const tcp_stats_value* server =
        FindLoopback(entries, AF_INET, TCP_STATS_ACCEPTED,
                     exchange->server_port, scope_->cgroup().id());
    ASSERT_NE(server, nullptr);
    EXPECT_EQ(server->passive_opens, 3u);
  }

  WardenOptions options_;
  std::string set_dir_;
  std::optional<TestScope> scope_;
  std::optional<ScopedTempDir> state_;
  std::unique_ptr<Warden> warden_;
};

TEST_F(UpgradeTest, OldLayoutIsRefusedThenReplacedByReplaceMaps) {
  ASSERT_NO_FATAL_FAILURE(CreateWarden());
  auto refused = warden_->Load(Builtin());
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition,
                                "pinned map tcp_stats ("));
  // The field that differs first, and the way out.
  EXPECT_THAT(refused.status().message(),
              HasSubstr("has a different key layout: struct tcp_stats_key: "
                        "member 1 (pad): named pad in the pinned map, "
                        "direction in the object"));
  EXPECT_THAT(refused.status().message(), HasSubstr("replace_maps"));
  // Nothing was loaded and the old maps, data included, are untouched.
  EXPECT_THAT(warden_->GetSet(kSet), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(PinnedValueSize("tcp_stats"), 80u);
  EXPECT_EQ(PinnedValueSize("tcp_stats_owner"), 8u);

  LoadOptions replace;
  replace.replace_maps = true;
  auto loaded = warden_->Load(Builtin(), replace);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(PinnedValueSize("tcp_stats"), sizeof(tcp_stats_value));
  EXPECT_EQ(PinnedValueSize("tcp_stats_slots"), sizeof(tcp_stats_slot));
  EXPECT_EQ(PinnedValueSize("tcp_stats_conns"), sizeof(tcp_stats_conn));
  ASSERT_NO_FATAL_FAILURE(ExpectCounting());
}

// A set from the configuration takes no replace_maps: the daemon starts
// without it (the error says why), and starts with it once the old pins
// are removed.
TEST_F(UpgradeTest, ConfigSetLoadsOnceTheOldPinsAreRemoved) {
  v1::Config config;
  *config.add_program_sets() = Builtin();
  ASSERT_NO_FATAL_FAILURE(CreateWarden());
  EXPECT_THAT(warden_->Start(config),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "pinned map tcp_stats ("));
  EXPECT_THAT(warden_->GetSet(kSet), StatusIs(absl::StatusCode::kNotFound));
  warden_.reset();

  ASSERT_EQ(::unlink(Pin("tcp_stats").c_str()), 0);
  ASSERT_EQ(::unlink(Pin("tcp_stats_owner").c_str()), 0);
  ASSERT_NO_FATAL_FAILURE(CreateWarden());
  ASSERT_TRUE(warden_->Start(config).ok());
  ASSERT_TRUE(warden_->GetSet(kSet).ok());
  ASSERT_NO_FATAL_FAILURE(ExpectCounting());
}

}  // namespace
}  // namespace bpfwarden::testing
