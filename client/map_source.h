// Where the CLI's map data comes from: the daemon's API, or (--direct) the
// maps pinned in bpffs read by this process. Every data command takes a
// MapSource, so each works either way with the same codec and output.
#ifndef BPFWARDEN_CLIENT_MAP_SOURCE_H_
#define BPFWARDEN_CLIENT_MAP_SOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::cli {

// A map named by set and map name, or by its pin path (pin_path set).
struct MapTarget {
  std::string set;
  std::string map;
  std::string pin_path;

  // "SET/MAP" or the pin path, for messages.
  std::string Label() const;
};

// The target of a command's arguments: "SET MAP", or one absolute pin path
// (which, for the daemon, must lie in <pin_root>/SET/MAP).
absl::StatusOr<MapTarget> TargetFromArgs(const std::vector<std::string>& args,
                                         const std::string& pin_root);

// One page of a dump, as the API's packed pages: json_lines (ENCODING_JSON)
// or keys/values/count (ENCODING_RAW). Returning an error stops the dump;
// returning Cancelled stops it quietly (Dump then returns OK).
using PageSink = std::function<absl::Status(const v1::DumpResponse& page)>;

// A Maps.Watch stream: the daemon dumps the map every interval and sends
// what changed, the first message holding the whole contents.
class MapWatch {
 public:
  virtual ~MapWatch() = default;  // cancels the stream
  // The next message; false at the end of the stream (then Finish).
  virtual bool Read(v1::WatchResponse& out) = 0;
  // How the stream ended; Unimplemented from a daemon without Maps.Watch.
  virtual absl::Status Finish() = 0;
  // Ends the stream: a Read blocked in another thread returns false.
  virtual void Cancel() = 0;
};

class MapSource {
 public:
  virtual ~MapSource() = default;

  // The map's description, its key and value layouts included.
  virtual absl::StatusOr<v1::MapInfo> Get(const MapTarget& target) = 0;
  // The maps of `set` (every set's when empty).
  virtual absl::StatusOr<std::vector<v1::MapInfo>> List(
      const std::string& set) = 0;
  // Every entry, page by page, in the kernel's order.
  virtual absl::Status Dump(const MapTarget& target, v1::Encoding encoding,
                            const PageSink& sink) = 0;
  // One entry, JSON-encoded; a key left unset is the implicit key of a
  // global-variables map.
  virtual absl::StatusOr<v1::Entry> Lookup(const MapTarget& target,
                                           const v1::Data& key) = 0;
  // One entry; `flag` as the API's (ANY, NOEXIST, EXIST).
  virtual absl::Status Update(const MapTarget& target, const v1::Entry& entry,
                              v1::UpdateFlag flag, bool zero_fill) = 0;
  // A stream of the map's changes, dumped every `interval_ms` by the
  // daemon; Unimplemented where there is none (--direct).
  virtual absl::StatusOr<std::unique_ptr<MapWatch>> Watch(
      const MapTarget& /*target*/, uint32_t /*interval_ms*/) {
    return absl::UnimplementedError("no Maps.Watch here");
  }
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_MAP_SOURCE_H_
