// Map handles on a real kernel: the map data path never waits for a Load
// that spends seconds in the verifier, and a handle outlives its set until
// the last holder lets go.
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/warden_fixture.h"
#include "tests/testing/map_fds.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

using ::testing::Each;
using ::testing::Lt;
using ::testing::SizeIs;

constexpr char kHooks[] = "tests/core/cgroup_hooks.bpf.o";
constexpr char kSlow[] = "tests/core/slow_verify.bpf.o";

class MapHandlesTest : public WardenFixture {};

// Slot 0 of hook_counts read through `handle`.
absl::Status ReadSlotZero(const MapHandle& handle) {
  const uint32_t key = 0;
  return handle.map
      .Lookup({reinterpret_cast<const uint8_t*>(&key), sizeof(key)})
      .status();
}

// What a Lookup request does: open the map of set "fast", then read it.
absl::Status LookupRequest(const Warden& warden) {
  auto handle = warden.OpenMap("fast", "hook_counts");
  if (!handle.ok()) return handle.status();
  return ReadSlotZero(**handle);
}

// A Load spends seconds in the verifier on the slow object. Lookups on
// another set's map, from another thread, started once the Load is under
// way, all finish before it returns.
TEST_F(MapHandlesTest, LookupsDoNotWaitForASlowLoad) {
  constexpr int kLookups = 100;
  ASSERT_TRUE(warden_->Load(SetOfObjects("fast", {kHooks})).ok());
  // Events are numbered in the order they happen.
  std::atomic<int> clock{0};
  std::atomic<int> load_returned{0};
  absl::Status loaded;
  absl::Duration load_took;
  std::jthread loader([&] {
    const absl::Time start = absl::Now();
    loaded = warden_->Load(SetOfObjects("slow", {kSlow})).status();
    load_took = absl::Now() - start;
    load_returned = ++clock;
  });
  // libbpf pins the slow set's map when it creates the maps, just before
  // the verifier starts on the programs: from then on the Load is inside.
  const std::string pin = options().pin_root + "/slow/slow_sink";
  ASSERT_TRUE(WaitFor(
      [&] { return std::filesystem::exists(pin) || load_returned != 0; }, 60,
      1));
  const int load_under_way = ++clock;

  std::vector<int> finished;
  std::vector<absl::Status> results;
  std::jthread reader([&] {
    for (int i = 0; i < kLookups; ++i) {
      results.push_back(LookupRequest(*warden_));
      finished.push_back(++clock);
    }
  });
  reader.join();
  loader.join();

  ASSERT_TRUE(loaded.ok()) << loaded;
  std::cout << "the slow load took " << load_took << "\n";
  ASSERT_LT(load_under_way, load_returned.load())
      << "the load returned before its map was pinned: is the object slow "
         "enough? (it took "
      << load_took << ")";
  EXPECT_THAT(results, Each(absl::OkStatus()));
  ASSERT_THAT(finished, SizeIs(kLookups));
  EXPECT_THAT(finished, Each(Lt(load_returned.load())))
      << "lookups waited for the load to return";
}

// OpenMap hands out the one handle built at load (no FD per call); after
// the set is unloaded a holder can still use it, and the map's last FD in
// this process closes when the last holder lets go.
TEST_F(MapHandlesTest, AHandleOutlivesItsSet) {
  ASSERT_TRUE(warden_->Load(SetOfObjects("fast", {kHooks})).ok());
  auto first = warden_->OpenMap("fast", "hook_counts");
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = warden_->OpenMap("fast", "hook_counts");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->get(), second->get());
  const uint32_t id = (*first)->info.id;
  ASSERT_NE(id, 0u);
  // libbpf's FD of the loaded object and the handle's.
  EXPECT_EQ(CountMapFds(::getpid(), id).value_or(-1), 2);

  ASSERT_TRUE(warden_->Unload("fast", MapPins::kRemove).ok());
  EXPECT_THAT(warden_->OpenMap("fast", "hook_counts"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_TRUE(ReadSlotZero(**first).ok());
  EXPECT_EQ(CountMapFds(::getpid(), id).value_or(-1), 1);

  second->reset();
  EXPECT_EQ(CountMapFds(::getpid(), id).value_or(-1), 1);
  first->reset();
  EXPECT_EQ(CountMapFds(::getpid(), id).value_or(-1), 0);
}

}  // namespace
}  // namespace bpfwarden::testing
