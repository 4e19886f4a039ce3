#include "client/api_client.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace bpfwarden {

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

ApiClient::ApiClient(const std::string& target,
                     std::chrono::milliseconds deadline)
    : deadline_(deadline) {
  std::string address = target;
  if (absl::StartsWith(target, "/")) address = absl::StrCat("unix:", target);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  channel_ = grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), args);
  programs_ = v1::Programs::NewStub(channel_);
  attachments_ = v1::Attachments::NewStub(channel_);
  maps_ = v1::Maps::NewStub(channel_);
  daemon_ = v1::Daemon::NewStub(channel_);
  logs_ = v1::Logs::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> ApiClient::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + deadline_);
  return context;
}

}  // namespace bpfwarden
