// MapSource over the daemon's API (Maps.Get, List, Dump, Lookup, Update,
// Watch).
#ifndef BPFWARDEN_CLIENT_DAEMON_SOURCE_H_
#define BPFWARDEN_CLIENT_DAEMON_SOURCE_H_

#include <chrono>
#include <string>

#include "client/api_client.h"
#include "client/map_source.h"

namespace bpfwarden::cli {

class DaemonSource : public MapSource {
 public:
  // `page_size` 0: large pages (the daemon caps what it serves).
  DaemonSource(const std::string& socket, std::chrono::milliseconds deadline,
               std::string pin_root, uint32_t page_size = 0)
      : client_(socket, deadline),
        pin_root_(std::move(pin_root)),
        page_size_(page_size) {}

  absl::StatusOr<v1::MapInfo> Get(const MapTarget& target) override;
  absl::StatusOr<std::vector<v1::MapInfo>> List(
      const std::string& set) override;
  absl::Status Dump(const MapTarget& target, v1::Encoding encoding,
                    const PageSink& sink) override;
  absl::StatusOr<v1::Entry> Lookup(const MapTarget& target,
                                   const v1::Data& key) override;
  absl::Status Update(const MapTarget& target, const v1::Entry& entry,
                      v1::UpdateFlag flag, bool zero_fill) override;
  // Maps.Watch, without the call deadline (the stream lasts until
  // cancelled).
  absl::StatusOr<std::unique_ptr<MapWatch>> Watch(
      const MapTarget& target, uint32_t interval_ms) override;

 private:
  absl::StatusOr<v1::MapRef> Ref(const MapTarget& target) const;

  ApiClient client_;
  std::string pin_root_;
  uint32_t page_size_;
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_DAEMON_SOURCE_H_
