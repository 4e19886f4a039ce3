// libbpf's own messages, in the daemon's log and in the error of the call
// that caused them.
//
// main() installs the print callback once (InstallLibbpfPrint). A call that
// can fail for a reason only libbpf prints (open, link, load) holds a
// LibbpfMessages while it runs; libbpf's warnings on that thread are kept
// in it, and Annotate() adds them to the call's error, so a caller who
// cannot read the daemon's log still learns why:
//
//   LibbpfMessages messages;
//   if (bpf_object__load(obj) != 0)
//     return messages.Annotate(ErrnoStatus(errno, "load set tcp"));
#ifndef BPFWARDEN_DAEMON_BASE_LIBBPF_MESSAGES_H_
#define BPFWARDEN_DAEMON_BASE_LIBBPF_MESSAGES_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"

namespace bpfwarden {

// Sends libbpf's warnings and information to the daemon's log (debug output
// is dropped) and to the capture active on the calling thread. Once, from
// main() (or a test's set-up), before any thread uses libbpf.
void InstallLibbpfPrint();

// Captures libbpf's warnings on this thread from construction to
// destruction. Captures nest: an inner one takes the messages while it
// lives. Bounded: past kMaxBytes the oldest text is dropped.
class LibbpfMessages {
 public:
  static constexpr size_t kMaxBytes = 4096;

  LibbpfMessages();
  ~LibbpfMessages();
  LibbpfMessages(const LibbpfMessages&) = delete;
  LibbpfMessages& operator=(const LibbpfMessages&) = delete;

  // What libbpf warned, one message a line, without its trailing newline.
  const std::string& text() const { return text_; }

  // `status` with libbpf's words appended ("...; libbpf said: ..."); OK
  // and statuses with nothing captured come back unchanged.
  absl::Status Annotate(const absl::Status& status) const;

  // For the print callback: appends one message.
  void Add(std::string message);

 private:
  LibbpfMessages* const outer_;
  std::string text_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_LIBBPF_MESSAGES_H_
