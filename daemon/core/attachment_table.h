// The Warden's attachments, by id: made from a resolved spec (adopting the
// link pin the state file knew), moved to a reloaded set's programs, and
// released one, one set's, or all at once. Not thread-safe: the Warden's
// lock guards it.
#ifndef BPFWARDEN_DAEMON_CORE_ATTACHMENT_TABLE_H_
#define BPFWARDEN_DAEMON_CORE_ATTACHMENT_TABLE_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/base/status_list.h"
#include "daemon/core/attachment.h"
#include "daemon/core/core_types.h"
#include "daemon/core/pin_layout.h"
#include "daemon/core/resolve_attachment.h"
#include "bpfwarden/v1/config.pb.h"

struct bpf_object;

namespace bpfwarden {

class AttachmentTable {
 public:
  using Map = std::map<std::string, std::unique_ptr<Attachment>>;

  // `layout` must outlive the table.
  explicit AttachmentTable(const PinLayout& layout) : layout_(layout) {}
  AttachmentTable(const AttachmentTable&) = delete;
  AttachmentTable& operator=(const AttachmentTable&) = delete;

  const Map& all() const { return attachments_; }
  // Attachment `id`, or null.
  Attachment* Find(absl::string_view id) const;
  // Every attachment of program set `set`.
  std::vector<AttachmentInfo> OfSet(absl::string_view set) const;
  // The link pins of the pinned attachments.
  std::set<std::string> LinkPins() const;

  // Attaches what `r` resolved `spec` to: AlreadyExists when attachment
  // r.id is ours. A link pin at its path is adopted when Remember()ed,
  // replaced otherwise.
  absl::StatusOr<AttachmentInfo> Add(const ResolvedAttachment& r,
                                     const v1::Attachment& spec, Origin origin);
  // Takes `attachment` in place of attachment `id` (FollowUnit).
  void Replace(const std::string& id, std::unique_ptr<Attachment> attachment);
  // Pinned links the state file knows, adopted by Add; forgotten once
  // start-up has made what it knows.
  void RememberPinned(const std::string& id) { known_pinned_.insert(id); }
  void ForgetPinned() { known_pinned_.clear(); }

  // Forgets attachment `id` and releases its link by `policy`; the result
  // is the release's (NotFound for an unknown id).
  absl::Status Release(const std::string& id, LinkRelease policy);
  // Set `set`'s attachments, detached; each failure added to `errors`.
  void ReleaseSet(absl::string_view set, StatusList& errors);
  // Every attachment released by `policy`, each failure added to `errors`:
  // how many were released, and how many of them failed.
  struct Released {
    size_t count = 0;
    size_t failed = 0;
  };
  Released ReleaseAll(LinkRelease policy, StatusList& errors);
  // A reload of set `set`: each of its attachments pointed at the program
  // of the same name in `obj` (BPF_LINK_UPDATE); one that cannot move is
  // detached, both logged.
  void MoveSet(const std::string& set, bpf_object* obj);

 private:
  const PinLayout& layout_;
  Map attachments_;
  std::set<std::string> known_pinned_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_ATTACHMENT_TABLE_H_
