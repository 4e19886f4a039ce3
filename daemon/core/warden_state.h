// The Warden's persisted state (<state_dir>/state.textproto): what of its
// sets and attachments the file records, and reading it back at start-up.
#ifndef BPFWARDEN_DAEMON_CORE_WARDEN_STATE_H_
#define BPFWARDEN_DAEMON_CORE_WARDEN_STATE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "daemon/core/attachment.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/pin_layout.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden {

// Whether the state file records the pinned links (of either origin), for
// the next start to adopt them.
enum class PinnedLinksInState { kRecord, kOmit };

// The runtime sets and attachments, and the pinned links as `links` says.
v1::State StateOf(
    const std::map<std::string, std::unique_ptr<LoadedSet>>& sets,
    const std::map<std::string, std::unique_ptr<Attachment>>& attachments,
    PinnedLinksInState links);

// Writes `state` to the layout's state file atomically, creating the state
// directory.
absl::Status WriteStateFile(const PinLayout& layout, const v1::State& state);

struct StateRead {
  v1::State state;
  absl::Status error;  // why the file was set aside; OK otherwise
};

// The state file's contents; an empty State when there is none. A torn or
// corrupt file is logged, moved aside (PinLayout::CorruptStateFile), and
// reported in `error` beside an empty State.
StateRead ReadOrSetAsideStateFile(const PinLayout& layout);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_WARDEN_STATE_H_
