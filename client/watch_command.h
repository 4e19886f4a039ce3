// `bpfwarden watch SET MAP [-n SECONDS] [-o jsonl]`: every interval, the
// entries added, changed (old -> new, per field) or removed since the last.
// The map's state each interval comes from the daemon's Maps.Watch stream
// (the daemon dumps, and sends only changes), or, with --direct or a daemon
// without Maps.Watch, from a dump made here.
#ifndef BPFWARDEN_CLIENT_WATCH_COMMAND_H_
#define BPFWARDEN_CLIENT_WATCH_COMMAND_H_

#include <string>
#include <vector>

#include "client/query/fields.h"
#include "client/watch_feed.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli {

int WatchCommand(const std::vector<std::string>& args);

struct Change {
  enum Kind { kAdded, kChanged, kRemoved } kind;
  std::string key;    // JSON text
  std::string value;  // JSON text: the new value (the old one if removed)
  // kChanged: field name -> {old, new}, for each leaf that differs.
  std::vector<std::pair<std::string, std::pair<Json, Json>>> fields;
};

// What changed from `before` to `after`, in key order; the value fields
// compared are `fields`' (per-CPU values summed).
std::vector<Change> Diff(const Snapshot& before, const Snapshot& after,
                         const std::vector<output::EntryField>& fields,
                         bool per_cpu);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_WATCH_COMMAND_H_
