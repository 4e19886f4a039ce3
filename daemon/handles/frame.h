// The handle socket's framing and request parsing: bytes in, a checked
// HandleRequest out. No sockets, no kernel: the fuzz target's subject.
#ifndef BPFWARDEN_DAEMON_HANDLES_FRAME_H_
#define BPFWARDEN_DAEMON_HANDLES_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bpfwarden/v1/handles.pb.h"

namespace bpfwarden::handles {

// A frame: a 4-byte little-endian payload length, then the payload.
inline constexpr size_t kFrameHeader = 4;
// The largest request payload accepted: a set and a map name need far less.
inline constexpr size_t kMaxRequestPayload = 4096;
// The longest program set or map name a request may carry.
inline constexpr size_t kMaxName = 256;

// What the start of a connection's input holds.
struct FrameScan {
  bool complete = false;  // a whole frame is there
  size_t payload = 0;     // its payload's length (when complete)
};

// Scans `input` for its first frame: incomplete (wait for more), complete,
// or INVALID_ARGUMENT for a length above `max_payload` (the connection
// cannot be resynchronised after it and is closed).
absl::StatusOr<FrameScan> ScanFrame(absl::string_view input,
                                    size_t max_payload = kMaxRequestPayload);

// `payload` framed, appended to `out`.
void AppendFrame(absl::string_view payload, std::string& out);

// A request payload as a HandleRequest: INVALID_ARGUMENT when it does not
// parse, carries fields this daemon does not know (a newer client asking
// for what this daemon does not do), or lacks the set or the map, or a
// name is longer than kMaxName.
absl::StatusOr<v1::HandleRequest> ParseRequest(absl::string_view payload);

}  // namespace bpfwarden::handles

#endif  // BPFWARDEN_DAEMON_HANDLES_FRAME_H_
