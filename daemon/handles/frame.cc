#include "daemon/handles/frame.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"

namespace bpfwarden::handles {
namespace {

bool HasUnknownFields(const google::protobuf::Message& message) {
  return !message.GetReflection()->GetUnknownFields(message).empty();
}

}  // namespace

absl::StatusOr<FrameScan> ScanFrame(absl::string_view input,
                                    size_t max_payload) {
  if (input.size() < kFrameHeader) return FrameScan{};
  const auto* b = reinterpret_cast<const uint8_t*>(input.data());
  const uint32_t length = static_cast<uint32_t>(b[0]) |
                          static_cast<uint32_t>(b[1]) << 8 |
                          static_cast<uint32_t>(b[2]) << 16 |
                          static_cast<uint32_t>(b[3]) << 24;
  if (length > max_payload) {
    return absl::InvalidArgumentError(
        absl::StrCat("request frame of ", length, " bytes: at most ",
                     max_payload, " are accepted"));
  }
  if (input.size() - kFrameHeader < length) return FrameScan{};
  return FrameScan{true, length};
}

void AppendFrame(absl::string_view payload, std::string& out) {
  const uint32_t n = static_cast<uint32_t>(payload.size());
  const char header[kFrameHeader] = {
      static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
      static_cast<char>((n >> 16) & 0xff), static_cast<char>(n >> 24)};
  out.append(header, kFrameHeader);
  out.append(payload.data(), payload.size());
}

absl::StatusOr<v1::HandleRequest> ParseRequest(absl::string_view payload) {
  v1::HandleRequest request;
  // A name that is not UTF-8 fails the parse; protobuf would also log it,
  // a line a hostile client could repeat at will.
  google::protobuf::LogSilencer quiet;
  if (!request.ParseFromArray(payload.data(),
                              static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError(
        "request: not a bpfwarden.v1.HandleRequest message (or a name "
        "that is not UTF-8)");
  }
  if (HasUnknownFields(request) || HasUnknownFields(request.map())) {
    return absl::InvalidArgumentError(
        "request: fields this daemon does not know (only map.program_set "
        "and map.map are read)");
  }
  const v1::MapRef& ref = request.map();
  if (ref.program_set().empty() || ref.map().empty()) {
    return absl::InvalidArgumentError(
        "request: map.program_set and map.map are both required");
  }
  if (ref.program_set().size() > kMaxName || ref.map().size() > kMaxName) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request: a program set or map name of more than ", kMaxName,
        " bytes"));
  }
  return request;
}

}  // namespace bpfwarden::handles
