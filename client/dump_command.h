// `bpfwarden dump SET MAP | PIN [--filter F=V]... [--sort F] [--top N]
// [--limit N]`: every entry, streamed page by page from the daemon or (with
// --direct) from the pin, one JSON line an entry.
#ifndef BPFWARDEN_CLIENT_DUMP_COMMAND_H_
#define BPFWARDEN_CLIENT_DUMP_COMMAND_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/map_source.h"
#include "client/query/query.h"

namespace bpfwarden::cli {

int DumpCommand(const std::vector<std::string>& args);

// Streams the map's entries through `query` (filters and, with `stop`, an
// early end) to `emit`, calling `progress` with each page's count. Every
// dump of parsed entries (dump with a query, top, watch) goes through here.
absl::Status DumpRows(MapSource& source, const MapTarget& target,
                      const std::function<bool(Row row)>& offer,
                      const std::function<void(size_t)>& progress = nullptr);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_DUMP_COMMAND_H_
