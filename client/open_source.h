// The MapSource the command line asks for.
#ifndef BPFWARDEN_CLIENT_OPEN_SOURCE_H_
#define BPFWARDEN_CLIENT_OPEN_SOURCE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/map_source.h"

namespace bpfwarden::cli {

// --direct (root only, else PermissionDenied; read-only unless
// --allow_write) or the daemon at --socket.
absl::StatusOr<std::unique_ptr<MapSource>> OpenSource();

// Whether --direct was given.
bool DirectMode();

// TargetFromArgs with --pin_root.
absl::StatusOr<MapTarget> TargetOf(const std::vector<std::string>& args);

// A command's map: its target, the source to read it from, and its
// description (layouts included).
struct OpenedMap {
  MapTarget target;
  std::unique_ptr<MapSource> source;
  v1::MapInfo info;
};
absl::StatusOr<OpenedMap> OpenMap(const std::vector<std::string>& args);

// Writes one entry of the map `args` name (SET MAP, or a pin) through
// OpenSource(): for `update --direct`, which needs --allow-write.
absl::Status UpdateEntry(const std::vector<std::string>& args,
                         const v1::Entry& entry, v1::UpdateFlag flag,
                         bool zero_fill);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_OPEN_SOURCE_H_
