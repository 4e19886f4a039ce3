#include "daemon/maps/map_snapshot.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>

#include "absl/strings/str_cat.h"

namespace bpfwarden {
namespace {

using Kind = EntryChange::Kind;

// Entries per dump page: large pages, few syscalls.
constexpr size_t kPage = 4096;
// Tries of a dump whose next-key position was deleted under it.
constexpr int kTries = 4;

absl::StatusOr<std::shared_ptr<const MapSnapshot>> DumpOnce(
    const TypedMap& map) {
  std::string keys;
  std::string values;
  size_t count = 0;
  std::string token;
  DumpOptions options;
  options.page_size = kPage;
  do {
    absl::StatusOr<PackedPage> page = map.DumpPacked(token, options);
    if (!page.ok()) return page.status();
    keys.append(page->keys);
    values.append(page->values);
    count += page->count;
    token = std::move(page->next_token);
  } while (!token.empty());
  return std::make_shared<const MapSnapshot>(map.key_size(), map.value_bytes(),
                                             std::move(keys), std::move(values),
                                             count);
}

// A change, or none when the values are equal.
std::optional<EntryChange> Changed(std::string key, std::string old_value,
                                   std::string new_value) {
  if (old_value == new_value) return std::nullopt;
  return EntryChange{Kind::kChanged, std::move(key), std::move(old_value),
                     std::move(new_value)};
}

// `first` followed by `second`, for one key.
std::optional<EntryChange> Fold(const EntryChange& first,
                                const EntryChange& second) {
  switch (first.kind) {
    case Kind::kAdded:
      if (second.kind == Kind::kRemoved) return std::nullopt;
      return EntryChange{Kind::kAdded, first.key, "", second.new_value};
    case Kind::kChanged:
      if (second.kind == Kind::kRemoved) {
        return EntryChange{Kind::kRemoved, first.key, first.old_value, ""};
      }
      return Changed(first.key, first.old_value, second.new_value);
    case Kind::kRemoved:
      // Only an add can follow a removal.
      return Changed(first.key, first.old_value, second.new_value);
  }
  return std::nullopt;
}

}  // namespace

MapSnapshot::MapSnapshot(size_t key_size, size_t value_size, std::string keys,
                         std::string values, size_t count)
    : key_size_(key_size),
      value_size_(value_size),
      keys_(std::move(keys)),
      values_(std::move(values)),
      order_(count) {
  std::iota(order_.begin(), order_.end(), 0);
  const char* base = keys_.data();
  auto less = [&](uint32_t a, uint32_t b) {
    int c = std::memcmp(base + a * key_size_, base + b * key_size_, key_size_);
    return c < 0 || (c == 0 && a > b);  // the later copy of a key first
  };
  std::sort(order_.begin(), order_.end(), less);
  auto same = [&](uint32_t a, uint32_t b) {
    return std::memcmp(base + a * key_size_, base + b * key_size_, key_size_) ==
           0;
  };
  order_.erase(std::unique(order_.begin(), order_.end(), same), order_.end());
}

absl::StatusOr<std::shared_ptr<const MapSnapshot>> TakeSnapshot(
    const TypedMap& map) {
  absl::Status last;
  for (int i = 0; i < kTries; ++i) {
    auto snapshot = DumpOnce(map);
    if (snapshot.ok() || !absl::IsFailedPrecondition(snapshot.status())) {
      return snapshot;
    }
    last = snapshot.status();  // a stale position: start over
  }
  return absl::Status(last.code(), absl::StrCat("watch: ", last.message(), " (",
                                                kTries, " tries)"));
}

ChangeList Diff(const MapSnapshot& before, const MapSnapshot& after) {
  ChangeList out;
  size_t i = 0;
  size_t j = 0;
  while (i < before.size() || j < after.size()) {
    int c = i == before.size()  ? 1
            : j == after.size() ? -1
                                : before.key(i).compare(after.key(j));
    if (c < 0) {
      out.push_back({Kind::kRemoved, std::string(before.key(i)),
                     std::string(before.value(i)), ""});
      ++i;
    } else if (c > 0) {
      out.push_back({Kind::kAdded, std::string(after.key(j)), "",
                     std::string(after.value(j))});
      ++j;
    } else {
      if (before.value(i) != after.value(j)) {
        out.push_back({Kind::kChanged, std::string(after.key(j)),
                       std::string(before.value(i)),
                       std::string(after.value(j))});
      }
      ++i;
      ++j;
    }
  }
  return out;
}

ChangeList Coalesce(const ChangeList& earlier, const ChangeList& later) {
  ChangeList out;
  out.reserve(earlier.size() + later.size());
  size_t i = 0;
  size_t j = 0;
  while (i < earlier.size() || j < later.size()) {
    int c = i == earlier.size() ? 1
            : j == later.size() ? -1
                                : earlier[i].key.compare(later[j].key);
    if (c < 0) {
      out.push_back(earlier[i++]);
    } else if (c > 0) {
      out.push_back(later[j++]);
    } else {
      if (auto folded = Fold(earlier[i], later[j])) {
        out.push_back(*std::move(folded));
      }
      ++i;
      ++j;
    }
  }
  return out;
}

}  // namespace bpfwarden
