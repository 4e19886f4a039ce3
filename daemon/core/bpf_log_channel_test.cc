#include "daemon/core/bpf_log_channel.h"

#include <gtest/gtest.h>

#include <thread>

namespace bpfwarden {
namespace {

BpfLogEntry Entry(const std::string& message) {
  BpfLogEntry e;
  e.message = message;
  return e;
}

TEST(BpfLogChannelTest, KeepsTheLastBacklogRecordsNumbered) {
  BpfLogChannel channel(3);
  for (int i = 1; i <= 5; ++i) channel.Append(Entry(std::to_string(i)));
  uint64_t cursor = 0;
  BpfLogChannel::Batch batch = channel.Read(&cursor, absl::ZeroDuration());
  ASSERT_EQ(batch.entries.size(), 3u);
  EXPECT_EQ(batch.entries[0].message, "3");
  EXPECT_EQ(batch.entries[0].seq, 3u);
  EXPECT_EQ(batch.entries[2].seq, 5u);
  EXPECT_EQ(cursor, 5u);
  EXPECT_FALSE(batch.closed);
  EXPECT_TRUE(channel.Read(&cursor, absl::ZeroDuration()).entries.empty());
}

TEST(BpfLogChannelTest, AFollowerWaitsForTheNextRecordThenTheEnd) {
  BpfLogChannel channel(10);
  uint64_t cursor = 0;
  std::thread writer([&] {
    channel.Append(Entry("late"));
    channel.Close();
  });
  std::vector<std::string> got;
  bool closed = false;
  while (!closed) {
    BpfLogChannel::Batch batch = channel.Read(&cursor, absl::Seconds(30));
    for (const BpfLogEntry& e : batch.entries) got.push_back(e.message);
    closed = batch.closed;
  }
  writer.join();
  EXPECT_EQ(got, std::vector<std::string>{"late"});
}

TEST(BpfLogChannelTest, AListenerIsToldOfEachRecordAndTheEndUntilItGoes) {
  BpfLogChannel channel(10);
  int told = 0;
  auto listener = channel.Listen([&] { ++told; });
  channel.Append(Entry("a"));
  channel.Append(Entry("b"));
  EXPECT_EQ(told, 2);
  listener.reset();
  channel.Append(Entry("c"));
  channel.Close();
  EXPECT_EQ(told, 2);
  auto second = channel.Listen([&] { ++told; });
  channel.Close();
  EXPECT_EQ(told, 3);
}

}  // namespace
}  // namespace bpfwarden
