// One attachment the daemon made: a program of a loaded set attached to a
// cgroup v2 directory through a bpf_link this object owns (pinned in bpffs
// when the spec asks). It lets go of the link with an explicit policy, and
// detaches it when dropped without one.
#ifndef BPFWARDEN_DAEMON_CORE_ATTACHMENT_H_
#define BPFWARDEN_DAEMON_CORE_ATTACHMENT_H_

#include <linux/bpf.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/core_types.h"
#include "daemon/core/pin_layout.h"
#include "daemon/core/resolve_attachment.h"
#include "bpfwarden/v1/config.pb.h"

struct bpf_object;

namespace bpfwarden {

// What Attachment::Make does with a pin already at the link's path.
enum class ExistingPin {
  // It is stale: removed (its link detached) before a new link is made.
  kReplace,
  // It is this attachment's link from before a restart (the state file
  // knows it): adopted and pointed at the new program when it is the
  // attachment its name says, replaced otherwise.
  kAdopt,
};

class Attachment {
 public:
  // Attaches r's program to r's cgroup through a new bpf_link, pinned at the
  // layout's link pin when `spec.pinned()`.
  static absl::StatusOr<std::unique_ptr<Attachment>> Make(
      const ResolvedAttachment& r, const v1::Attachment& spec, Origin origin,
      ExistingPin existing, const PinLayout& layout);

  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;
  // Release(LinkRelease::kDetach) unless released; a failure is logged.
  ~Attachment();

  // Lets go of the link (a second call does nothing):
  // - kDetach: unpins (a pin that now holds another object is left in place
  //   and reported), detaches synchronously, closes;
  // - kKeepPinned: a pinned attachment only closes its FD, the pin keeping
  //   it attached, once the pin is seen to still hold the link; when it does
  //   not, the link is detached and the error says it could not be kept.
  //   Others detach as with kDetach.
  // An error names the attachment and says whether its link stayed attached.
  absl::Status Release(LinkRelease policy);

  // Points the link at the program of the same name in `obj`
  // (BPF_LINK_UPDATE: no moment without a program). On failure
  // info().program_id reads 0; the caller detaches the attachment.
  absl::Status MoveTo(bpf_object* obj);

  const v1::Attachment& spec() const { return spec_; }
  const AttachmentInfo& info() const { return info_; }

 private:
  Attachment(const v1::Attachment& spec, bpf_attach_type type, UniqueFd link,
             AttachmentInfo info);

  absl::Status Detach();
  absl::Status KeepPinned();
  // "attachment <id> (<set>/<program> on <cgroup> as <type>, link <n>)".
  std::string Describe() const;

  const v1::Attachment spec_;
  const bpf_attach_type type_;
  UniqueFd link_;  // empty once released
  AttachmentInfo info_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_ATTACHMENT_H_
