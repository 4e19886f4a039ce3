// Read-only map descriptors: what a hand-over gives away.
#ifndef BPFWARDEN_DAEMON_HANDLES_READ_ONLY_MAP_H_
#define BPFWARDEN_DAEMON_HANDLES_READ_ONLY_MAP_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::handles {

// A new descriptor of the map with kernel id `id`, opened with
// BPF_F_RDONLY (BPF_MAP_GET_FD_BY_ID's open_flags): the kernel refuses
// update, delete and freeze through it whoever holds it. The caller keeps
// the map alive (holds a descriptor of its own), so the id cannot be
// reused meanwhile; the new descriptor's id is checked all the same.
// `label` names the map in errors.
absl::StatusOr<UniqueFd> OpenMapReadOnly(uint32_t id, absl::string_view label);

}  // namespace bpfwarden::handles

#endif  // BPFWARDEN_DAEMON_HANDLES_READ_ONLY_MAP_H_
