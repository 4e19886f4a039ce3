// bpf_links pinned in bpffs so that an attachment outlives a restart:
// <pin_root>/<set>/pinned-links/<attachment id>. Creating, adopting and
// removing those pins.
#ifndef BPFWARDEN_DAEMON_CORE_PINNED_LINKS_H_
#define BPFWARDEN_DAEMON_CORE_PINNED_LINKS_H_

#include <linux/bpf.h>

#include <cstdint>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/pin_layout.h"

namespace bpfwarden {

// Pins `link_fd` at `pin_path` inside `links_dir`, creating the directory.
absl::Status PinLink(int link_fd, const std::string& links_dir,
                     const std::string& pin_path);

// Opens the pinned link of a known attachment, checks that it is the
// attachment of `type` to `cgroup`, and points it at `prog_fd`.
absl::StatusOr<UniqueFd> AdoptPinnedLink(const std::string& pin_path,
                                         const std::string& cgroup,
                                         bpf_attach_type type, int prog_fd);

// OK when the pin at `path` holds link `link_id`; NotFound when nothing is
// pinned there; FailedPrecondition when something else is.
absl::Status CheckLinkPin(const std::string& path, uint32_t link_id);

// Unlinks the pin of link `link_id` at `path`. A pin already gone is fine;
// one that holds something else is left in place (FailedPrecondition).
absl::Status UnpinLink(const std::string& path, uint32_t link_id);

// Removes a pinned link: hold it, unlink the pin, detach, close. Nothing
// pinned at `path` is fine.
absl::Status RemovePinnedLink(const std::string& path);

// Removes (as RemovePinnedLink, with a warning) every link pin in the
// pinned-links directory of every set under the layout's pin root that is
// not in `owned`; the result names every pin that could not be removed.
absl::Status RemoveUnownedLinkPins(const PinLayout& layout,
                                   const std::set<std::string>& owned);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_PINNED_LINKS_H_
