#include "tests/watch/watch_seen.h"

#include "nlohmann/json.hpp"

namespace bpfwarden::testing {
namespace {

int RuleOf(const v1::Data& key) {
  return nlohmann::json::parse(key.json())["rule_id"].get<int>();
}
int64_t MatchedOf(const v1::Data& value) {
  return nlohmann::json::parse(value.json())["matched"].get<int64_t>();
}

}  // namespace

void Seen::Apply(const v1::WatchResponse& m) {
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

std::ostream& operator<<(std::ostream& os, const Net& n) {
  return os << v1::WatchChange::Kind_Name(n.kind) << " " << n.old_value << "->"
            << n.new_value;
}

std::vector<v1::WatchResponse> ReadUntilValue(
    grpc::ClientReader<v1::WatchResponse>& r, int64_t last,
    std::atomic<int64_t>* value) {
  std::vector<v1::WatchResponse> out;
  Seen seen;
  v1::WatchResponse m;
  while (r.Read(&m)) {
    out.push_back(m);
    seen.Apply(m);
    if (seen.state.count(1) == 0) continue;
    if (value != nullptr) *value = seen.state[1];
    if (seen.state[1] == last) break;
  }
  return out;
}

}  // namespace bpfwarden::testing
