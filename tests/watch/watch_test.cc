// Maps.Watch against a real daemon and a real hash map (tcp_tune_counters
// of the builtin set, written through the API between ticks).
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {
namespace {

constexpr char kMap[] = "tcp_tune_counters";

// One key's net change as the test folds it: kind and the old and new
// `matched` (-1: none).
struct Net {
  v1::WatchChange::Kind kind;
  int64_t old_value = -1;
  int64_t new_value = -1;
  bool operator==(const Net&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Net& n) {
  return os << v1::WatchChange::Kind_Name(n.kind) << " " << n.old_value << "->"
            << n.new_value;
}

int RuleOf(const v1::Data& key) {
  return nlohmann::json::parse(key.json())["rule_id"].get<int>();
}
int64_t MatchedOf(const v1::Data& value) {
  return nlohmann::json::parse(value.json())["matched"].get<int64_t>();
}

// What a watcher has seen: the map's contents and the net changes since
// the last Reset.
struct Seen {
  std::map<int, int64_t> state;
  std::map<int, Net> net;

  void Apply(const v1::WatchResponse& m) {
    if (m.full()) state.clear();
    for (const v1::WatchChange& c : m.changes()) {
      const int rule = RuleOf(c.key());
      Net step{c.kind()};
      if (c.has_old_value()) step.old_value = MatchedOf(c.old_value());
      if (c.has_new_value()) step.new_value = MatchedOf(c.new_value());
      if (c.kind() == v1::WatchChange::REMOVED) {
        state.erase(rule);
      } else {
        state[rule] = step.new_value;
      }
      if (m.full()) continue;
      auto it = net.find(rule);
      if (it == net.end()) {
        net[rule] = step;
      } else if (it->second.kind == v1::WatchChange::ADDED) {
        it->second.new_value = step.new_value;  // still ADDED (or gone)
        if (step.kind == v1::WatchChange::REMOVED) net.erase(it);
      } else {
        it->second.kind = step.kind == v1::WatchChange::REMOVED
                              ? v1::WatchChange::REMOVED
                              : v1::WatchChange::CHANGED;
        it->second.new_value = step.new_value;
      }
    }
  }
};

class WatchTest : public ApiFixture {
 protected:
  struct Stream {
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<v1::WatchResponse>> reader;
  };

  Stream Watch(v1::Maps::Stub& stub, uint32_t interval_ms) {
    Stream s;
    s.ctx = std::make_unique<grpc::ClientContext>();
    s.ctx->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(60));
    v1::WatchRequest req;
    req.mutable_map()->set_program_set(kSet);
    req.mutable_map()->set_map(kMap);
    req.set_interval_ms(interval_ms);
    req.set_encoding(v1::ENCODING_JSON);
    s.reader = stub.Watch(s.ctx.get(), req);
    return s;
  }

  void Set(int rule, int64_t matched) {
    ASSERT_TRUE(Update(kMap, absl::StrCat(R"({"rule_id":)", rule, "}"),
                       absl::StrCat(R"({"matched":)", matched, "}"))
                    .ok());
  }
  void Remove(int rule) {
    ASSERT_TRUE(Delete(kMap, absl::StrCat(R"({"rule_id":)", rule, "}")).ok());
  }
  // Every rule 1..n set to `matched`, in one request.
  void SetAll(int n, int64_t matched) {
    v1::UpdateRequest req;
    req.mutable_map()->set_program_set(kSet);
    req.mutable_map()->set_map(kMap);
    req.set_zero_fill(true);
    for (int rule = 1; rule <= n; ++rule) {
      v1::Entry* e = req.add_entries();
      e->mutable_key()->set_json(absl::StrCat(R"({"rule_id":)", rule, "}"));
      e->mutable_value()->set_json(absl::StrCat(R"({"matched":)", matched, "}"));
    }
    v1::UpdateResponse resp;
    auto ctx = Ctx();
    ASSERT_TRUE(maps_->Update(ctx.get(), req, &resp).ok());
  }

  // Reads until the net changes name every key of `want` (or the stream
  // ends); the first message must not be `full`.
  std::map<int, Net> ReadUntil(Stream& s, const std::map<int, Net>& want) {
    Seen seen;
    v1::WatchResponse m;
    while (!std::all_of(want.begin(), want.end(), [&](const auto& kv) {
      return seen.net.count(kv.first) > 0;
    })) {
      if (!s.reader->Read(&m)) break;
      EXPECT_FALSE(m.full()) << "a caught-up watcher was sent a snapshot";
      seen.Apply(m);
    }
    return seen.net;
  }
};

TEST_F(WatchTest, SeesExactlyTheChangesMadeBetweenTicks) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartDaemon("watch-exact");
  Set(1, 10);
  Set(2, 20);
  Set(3, 30);
  Stream s = Watch(*maps_, 300);
  v1::WatchResponse first;
  ASSERT_TRUE(s.reader->Read(&first)) << s.reader->Finish().error_message();
  EXPECT_TRUE(first.full());
  EXPECT_FALSE(first.continued());
  Seen seen;
  seen.Apply(first);
  EXPECT_EQ(seen.state, (std::map<int, int64_t>{{1, 10}, {2, 20}, {3, 30}}));

  Set(1, 11);
  Set(4, 40);
  Remove(2);
  std::map<int, Net> want = {{1, {v1::WatchChange::CHANGED, 10, 11}},
                             {2, {v1::WatchChange::REMOVED, 20, -1}},
                             {4, {v1::WatchChange::ADDED, -1, 40}}};
  EXPECT_EQ(ReadUntil(s, want), want);

  Set(4, 41);
  Remove(1);
  Set(5, 50);
  Set(3, 30);  // the same value: no change
  want = {{1, {v1::WatchChange::REMOVED, 11, -1}},
          {4, {v1::WatchChange::CHANGED, 40, 41}},
          {5, {v1::WatchChange::ADDED, -1, 50}}};
  EXPECT_EQ(ReadUntil(s, want), want);
  s.ctx->TryCancel();
}

TEST_F(WatchTest, IntervalOutsideTheBoundsIsRefused) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartDaemon("watch-bounds");
  for (uint32_t ms : {10u, 3600u * 1000u}) {
    Stream s = Watch(*maps_, ms);
    v1::WatchResponse m;
    EXPECT_FALSE(s.reader->Read(&m));
    grpc::Status st = s.reader->Finish();
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << ms;
    EXPECT_NE(st.error_message().find("outside [100ms, 10m]"),
              std::string::npos)
        << st.error_message();
  }
}

}  // namespace
}  // namespace bpfwarden::testing
