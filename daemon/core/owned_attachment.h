// The Warden's attachments: resolving a spec to a program, cgroup, attach
// type and id; attaching through a bpf_link (pinned, or adopted from a pin,
// on request); moving a link to a reloaded program; releasing it; and
// listing them beside the foreign programs on the same cgroups.
#ifndef BPFWARDEN_DAEMON_CORE_OWNED_ATTACHMENT_H_
#define BPFWARDEN_DAEMON_CORE_OWNED_ATTACHMENT_H_

#include <linux/bpf.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/core_types.h"
#include "daemon/core/loaded_set.h"
#include "daemon/core/pin_layout.h"
#include "proto/config.pb.h"

struct bpf_object;
struct bpf_program;

namespace bpfwarden {

struct OwnedAttachment {
  v1::Attachment spec;
  bpf_attach_type type;
  UniqueFd link;
  AttachmentInfo info;
};

// What a spec resolves to: the set, program, type, cgroup and id.
struct ResolvedAttachment {
  LoadedSet* set = nullptr;
  bpf_program* program = nullptr;
  bpf_attach_type type;
  std::string cgroup;
  std::string id;
};

// Resolves `spec` against `set`, the loaded set it names: NotFound for an
// unknown program or cgroup, InvalidArgument for an attach type that is
// unknown or does not fit the program, or a path that is not cgroup v2.
absl::StatusOr<ResolvedAttachment> ResolveAttachment(
    LoadedSet& set, const v1::Attachment& spec,
    const std::string& cgroup2_mount);

// Attaches r's program through a new bpf_link, pinned at the layout's link
// pin when `spec.pinned()` (a stale pin in the way is removed). With
// `may_adopt`, a pinned spec whose pin exists adopts that link instead
// (pointed at r's program).
absl::StatusOr<std::unique_ptr<OwnedAttachment>> MakeAttachment(
    const ResolvedAttachment& r, const v1::Attachment& spec, Origin origin,
    bool may_adopt, const PinLayout& layout);

// Points the attachment's link at the program of the same name in `obj`
// (BPF_LINK_UPDATE: no moment without a program). On failure the
// attachment is marked for detaching (program_id 0).
absl::Status MoveAttachment(OwnedAttachment& att, bpf_object* obj);

// Detaches synchronously and unpins; with `keep_pin`, a pinned attachment
// only closes its FD and stays attached through the pin.
void ReleaseAttachment(std::unique_ptr<OwnedAttachment> att, bool keep_pin);

// `ours` (the daemon's attachments on `cgroups`) followed by the programs
// the kernel shows attached to `cgroups` that are not ours.
absl::StatusOr<std::vector<AttachmentInfo>> WithForeignAttachments(
    std::vector<AttachmentInfo> ours, const std::set<std::string>& cgroups);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_OWNED_ATTACHMENT_H_
