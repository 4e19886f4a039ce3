// MapSource over maps pinned in bpffs, read by this process (--direct): no
// daemon. The map's BTF comes from the kernel (its btf_id and key/value type
// ids), through the daemon's own codec, so the output is the daemon's.
// Pins are opened read-only (BPF_F_RDONLY) unless writes are allowed.
#ifndef BPFWARDEN_CLIENT_DIRECT_DIRECT_SOURCE_H_
#define BPFWARDEN_CLIENT_DIRECT_DIRECT_SOURCE_H_

#include <string>

#include "client/map_source.h"
#include "daemon/maps/typed_map.h"

namespace bpfwarden::cli {

class DirectSource : public MapSource {
 public:
  DirectSource(std::string pin_root, bool allow_write)
      : pin_root_(std::move(pin_root)), allow_write_(allow_write) {}

  absl::StatusOr<v1::MapInfo> Get(const MapTarget& target) override;
  absl::StatusOr<std::vector<v1::MapInfo>> List(
      const std::string& set) override;
  absl::Status Dump(const MapTarget& target, v1::Encoding encoding,
                    const PageSink& sink) override;
  absl::StatusOr<v1::Entry> Lookup(const MapTarget& target,
                                   const v1::Data& key) override;
  absl::Status Update(const MapTarget& target, const v1::Entry& entry,
                      v1::UpdateFlag flag, bool zero_fill) override;

 private:
  // The pin's path: the target's, or <pin_root>/<set>/<map>.
  std::string PinPath(const MapTarget& target) const;
  absl::StatusOr<TypedMap> Open(const MapTarget& target) const;

  std::string pin_root_;
  bool allow_write_;
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_DIRECT_DIRECT_SOURCE_H_
