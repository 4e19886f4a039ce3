// The handle socket's input comes from any member of the socket's group:
// any bytes, taken as a connection's stream, must scan into frames or a
// clear error, and each frame must parse into a checked request or an
// error; a request that parses must carry both names within the limits.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "daemon/handles/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bpfwarden::handles;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  // The whole input as one payload, as a frame body would be.
  auto direct = ParseRequest(input.substr(0, kMaxRequestPayload));
  if (direct.ok() && (direct->map().program_set().empty() ||
                      direct->map().map().size() > kMaxName)) {
    __builtin_trap();
  }
  // The input as a connection's stream: frame after frame.
  while (!input.empty()) {
    auto scan = ScanFrame(input);
    if (!scan.ok()) return 0;  // the server closes here
    if (!scan->complete) return 0;  // waits for more
    if (scan->payload > kMaxRequestPayload) __builtin_trap();
    auto request = ParseRequest(input.substr(kFrameHeader, scan->payload));
    if (request.ok()) {
      std::string again;
      AppendFrame(request->SerializeAsString(), again);
      auto rescan = ScanFrame(again);
      if (!rescan.ok() || !rescan->complete) __builtin_trap();
    }
    input.remove_prefix(kFrameHeader + scan->payload);
  }
  return 0;
}
