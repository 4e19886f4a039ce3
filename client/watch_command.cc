#include "client/watch_command.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/cli_status.h"
#include "client/dump_command.h"
#include "client/open_source.h"
#include "client/output_flags.h"
#include "client/query/values.h"
#include "client/refresh_loop.h"


namespace bpfwarden::cli {
namespace {

constexpr const char* kKindNames[] = {"added", "changed", "removed"};
constexpr const char* kKindMarks[] = {"+", "~", "-"};

// {"key":K,"value":V} with K and V as the API wrote them.
Json Entry(const std::string& key, const std::string& value) {
  absl::StatusOr<Json> k = ParseJson(key, "key");
  absl::StatusOr<Json> v = ParseJson(value, "value");
  return Json{{"key", k.ok() ? *k : Json()}, {"value", v.ok() ? *v : Json()}};
}

void PrintLine(const Change& c, const std::string& time, bool jsonl) {
  if (jsonl) {
    Json line = {{"time", time}, {"event", kKindNames[c.kind]}};
    Json entry = Entry(c.key, c.value);
    line["key"] = entry["key"];
    if (c.kind == Change::kChanged) {
      Json changes = Json::object();
      for (const auto& [name, values] : c.fields) {
        changes[name] = {{"old", values.first}, {"new", values.second}};
      }
      line["changes"] = std::move(changes);
    } else {
      line["value"] = entry["value"];
    }
    std::cout << DumpJson(line) << "\n";
    return;
  }
  std::cout << time << " " << kKindMarks[c.kind] << " " << c.key;
  if (c.kind == Change::kChanged) {
    std::vector<std::string> parts;
    for (const auto& [name, values] : c.fields) {
      parts.push_back(absl::StrCat(name, ": ", PlainText(values.first),
                                   " → ", PlainText(values.second)));
    }
    std::cout << " " << absl::StrJoin(parts, ", ");
  } else {
    std::cout << " " << c.value;
  }
  std::cout << "\n";
}

// The map's entries, dumped here.
absl::StatusOr<Snapshot> DumpSnapshot(MapSource& source,
                                      const MapTarget& target) {
  Snapshot now;
  absl::Status s = DumpRows(source, target, [&](Row row) {
    std::string key = DumpJson(row.entry["key"]);
    now[std::move(key)] = DumpJson(row.entry["value"]);
    return true;
  });
  if (!s.ok()) return s;
  return now;
}

// The daemon's Maps.Watch of the map, ticking every `interval`; nullptr
// where there is none (--direct, an older daemon): then dumps are diffed.
absl::StatusOr<std::unique_ptr<WatchFeed>> OpenFeed(MapSource& source,
                                                    const MapTarget& target,
                                                    absl::Duration interval) {
  // Rounded to whole ms, never to 0 (the daemon's default): a bad -n gets
  // the daemon's bounds error.
  const int64_t ms = std::clamp<int64_t>(
      std::llround(absl::ToDoubleMilliseconds(interval)), 1, UINT32_MAX);
  absl::StatusOr<std::unique_ptr<MapWatch>> watch =
      source.Watch(target, static_cast<uint32_t>(ms));
  if (absl::IsUnimplemented(watch.status())) return nullptr;
  if (!watch.ok()) return watch.status();
  absl::StatusOr<std::unique_ptr<WatchFeed>> feed =
      WatchFeed::Start(*std::move(watch));
  if (absl::IsUnimplemented(feed.status())) {
    std::cerr << "note: the daemon has no Maps.Watch; diffing dumps here\n";
    return nullptr;
  }
  return feed;
}

}  // namespace

std::vector<Change> Diff(const Snapshot& before, const Snapshot& after,
                         const std::vector<output::EntryField>& fields,
                         bool per_cpu) {
  std::vector<Change> out;
  for (const auto& [key, value] : after) {
    auto old = before.find(key);
    if (old == before.end()) {
      out.push_back({Change::kAdded, key, value, {}});
      continue;
    }
    if (old->second == value) continue;
    Change change{Change::kChanged, key, value, {}};
    const Json was = Entry(key, old->second), now = Entry(key, value);
    for (const output::EntryField& f : fields) {
      if (f.path.empty() || f.path[0] != "value") continue;
      Json a = FieldValue(was, f, per_cpu), b = FieldValue(now, f, per_cpu);
      if (a != b) change.fields.push_back({f.name, {a, b}});
    }
    if (change.fields.empty()) {  // no BTF, or a change the sum hides
      change.fields.push_back({"value", {was["value"], now["value"]}});
    }
    out.push_back(std::move(change));
  }
  for (const auto& [key, value] : before) {
    if (!after.contains(key)) out.push_back({Change::kRemoved, key, value, {}});
  }
  std::sort(out.begin(), out.end(), [](const Change& a, const Change& b) {
    return a.key != b.key ? a.key < b.key : a.kind < b.kind;
  });
  return out;
}

int WatchCommand(const std::vector<std::string>& args) {
  absl::StatusOr<output::PrintOptions> options = PrintOptionsFromFlags();
  if (!options.ok()) return FailWith(options.status());
  const bool jsonl = !output::IsHumanFormat(options->format);
  absl::StatusOr<RefreshLoop::Options> every = RefreshLoop::OptionsFromFlags();
  if (!every.ok()) return FailWith(every.status());
  absl::StatusOr<OpenedMap> map = OpenMap(args);
  if (!map.ok()) return FailWith(map.status());
  const MapTarget* target = &map->target;
  const v1::MapInfo* info = &map->info;
  absl::StatusOr<std::vector<output::EntryField>> fields =
      output::EntryFields(info->key_layout(), info->value_layout());
  if (!fields.ok()) return FailWith(fields.status());
  absl::StatusOr<std::unique_ptr<WatchFeed>> feed =
      OpenFeed(*map->source, *target, every->interval);
  if (!feed.ok()) return FailWith(feed.status());
  Snapshot before;
  bool first = true;
  RefreshLoop loop(*every);
  do {
    absl::StatusOr<Snapshot> latest =
        *feed != nullptr ? (*feed)->Latest()
                         : DumpSnapshot(*map->source, *target);
    if (!latest.ok()) return FailWith(latest.status());
    Snapshot& now = *latest;
    const std::string time = absl::FormatTime(
        "%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
    if (first && !jsonl) {
      std::cout << time << " watching " << target->Label() << ": "
                << now.size() << " entries\n";
    }
    if (!first) {
      for (const Change& c : Diff(before, now, *fields, info->per_cpu())) {
        PrintLine(c, time, jsonl);
      }
    }
    std::cout << std::flush;
    before = std::move(now);
    first = false;
  } while (loop.Next());
  return 0;
}

}  // namespace bpfwarden::cli
