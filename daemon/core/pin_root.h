// The pin root (bpffs directory under which every set pins): made at start
// and checked to be on a bpf filesystem.
#ifndef BPFWARDEN_DAEMON_CORE_PIN_ROOT_H_
#define BPFWARDEN_DAEMON_CORE_PIN_ROOT_H_

#include <string>

#include "absl/status/status.h"

namespace bpfwarden {

// Creates `pin_root` (mode 0700, root only; its parents as bpffs makes
// them) unless it exists. FailedPrecondition, saying how to mount one, when
// it is not on a bpf filesystem; the errno's status when it cannot be made
// or examined.
absl::Status CreatePinRoot(const std::string& pin_root);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_PIN_ROOT_H_
