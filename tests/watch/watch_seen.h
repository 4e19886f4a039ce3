// What a test's Maps.Watch stream has delivered, folded per key of
// tcp_tune_counters (rule_id -> matched).
#ifndef BPFWARDEN_TESTS_WATCH_WATCH_SEEN_H_
#define BPFWARDEN_TESTS_WATCH_WATCH_SEEN_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <ostream>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "bpfwarden/v1/api.grpc.pb.h"

namespace bpfwarden::testing {

// One key's net change as the test folds it: kind and the old and new
// `matched` (-1: none).
struct Net {
  v1::WatchChange::Kind kind;
  int64_t old_value = -1;
  int64_t new_value = -1;
  bool operator==(const Net&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Net& n);

// What a watcher has seen: the map's contents and the net changes since
// the last Reset.
struct Seen {
  std::map<int, int64_t> state;
  std::map<int, Net> net;

  void Apply(const v1::WatchResponse& m);
};

// Every message of `r` until key 1 reads `last` (or the stream ends); each
// value of key 1 seen is published in `value` when given.
std::vector<v1::WatchResponse> ReadUntilValue(
    grpc::ClientReader<v1::WatchResponse>& r, int64_t last,
    std::atomic<int64_t>* value = nullptr);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_WATCH_WATCH_SEEN_H_
