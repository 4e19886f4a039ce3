#include "daemon/core/state_store.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

v1::State Sample() {
  v1::State state;
  v1::ProgramSet* set = state.add_program_sets();
  set->set_name("extra");
  set->add_objects("/var/lib/bpfwarden/objects/extra-0.bpf.o");
  v1::PinnedLink* link = state.add_pinned_links();
  link->set_id("att-0123456789abcdef");
  link->set_pin_path("/sys/fs/bpf/bpfwarden/extra/.links/att-0123456789abcdef");
  link->mutable_attachment()->set_program("p");
  return state;
}

TEST(StateStoreTest, RoundTrip) {
  auto parsed = ParseState(SerializeState(Sample()));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->DebugString(), Sample().DebugString());
}

TEST(StateStoreTest, TornAndCorruptAreDataLoss) {
  std::string text = SerializeState(Sample());
  for (size_t cut : {size_t{0}, size_t{10}, text.size() / 2, text.size() - 1}) {
    auto parsed = ParseState(text.substr(0, cut));
    EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kDataLoss)) << cut;
  }
  std::string flipped = text;
  flipped[flipped.size() - 5] ^= 1;
  auto parsed = ParseState(flipped);
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kDataLoss, "checksum"));
  EXPECT_THAT(ParseState("garbage\x01\x02"),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(StateStoreTest, AtomicWriteReplacesFile) {
  const std::string dir = std::getenv("TEST_TMPDIR");
  const std::string path = dir + "/state.textproto";
  ASSERT_TRUE(WriteFileAtomically(path, "one").ok());
  ASSERT_TRUE(WriteFileAtomically(path, SerializeState(Sample())).ok());
  auto state = ReadStateFile(path);
  ASSERT_TRUE(state.ok()) << state.status();
  ASSERT_TRUE(state->has_value());
  EXPECT_EQ((*state)->program_sets(0).name(), "extra");
  auto missing = ReadStateFile(dir + "/none");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

}  // namespace
}  // namespace bpfwarden
