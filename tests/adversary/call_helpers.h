// Small builders shared by the adversarial suite's tables: one request of
// each method, a context with a deadline, streams read a little and
// cancelled.
#ifndef BPFWARDEN_TESTS_ADVERSARY_CALL_HELPERS_H_
#define BPFWARDEN_TESTS_ADVERSARY_CALL_HELPERS_H_

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::adversary {

// A context with a 15 s deadline.
std::unique_ptr<grpc::ClientContext> Ctx();

v1::MapRef Ref(const std::string& set, const std::string& map);
v1::Data Raw(std::string bytes);
v1::Data Json(std::string text);

// Reads up to `messages` messages, waiting `pause` before each read after
// the first (a slow reader). With all of them read, cancels the call and
// answers OK; otherwise the stream's own final status.
template <typename Message>
grpc::Status ReadSome(grpc::ClientContext& ctx,
                      grpc::ClientReaderInterface<Message>& reader,
                      int messages, std::chrono::milliseconds pause) {
  Message message;
  for (int i = 0; i < messages; ++i) {
    if (i > 0) std::this_thread::sleep_for(pause);
    if (!reader.Read(&message)) return reader.Finish();
  }
  ctx.TryCancel();
  while (reader.Read(&message)) {
  }
  (void)reader.Finish();
  return grpc::Status::OK;
}

}  // namespace bpfwarden::adversary

#endif  // BPFWARDEN_TESTS_ADVERSARY_CALL_HELPERS_H_
