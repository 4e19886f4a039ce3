#include "daemon/api/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace bpfwarden::api {

static_assert(static_cast<int>(absl::StatusCode::kUnauthenticated) ==
              static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
static_assert(static_cast<int>(absl::StatusCode::kResourceExhausted) ==
              static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
static_assert(static_cast<int>(absl::StatusCode::kDataLoss) ==
              static_cast<int>(grpc::StatusCode::DATA_LOSS));

namespace {

// What one byte of a status message takes in the grpc-message trailer,
// which percent-encodes all but printable ASCII.
size_t EncodedSize(char c) {
  return c >= 0x20 && c < 0x7f && c != '%' ? 1 : 3;
}

}  // namespace

std::string MessageForTrailer(absl::string_view message) {
  size_t encoded = 0;
  size_t keep = 0;
  for (; keep < message.size(); ++keep) {
    encoded += EncodedSize(message[keep]);
    if (encoded > kMaxEncodedMessage) break;
  }
  if (keep == message.size()) return std::string(message);
  return absl::StrCat(message.substr(0, keep), "... (",
                      message.size() - keep, " more bytes cut)");
}

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      MessageForTrailer(status.message()));
}

}  // namespace bpfwarden::api
