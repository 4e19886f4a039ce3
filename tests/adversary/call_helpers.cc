#include "tests/adversary/call_helpers.h"

namespace bpfwarden::adversary {

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(15));
  return ctx;
}

v1::MapRef Ref(const std::string& set, const std::string& map) {
  v1::MapRef ref;
  ref.set_program_set(set);
  ref.set_map(map);
  return ref;
}

v1::Data Raw(std::string bytes) {
  v1::Data data;
  data.set_raw(std::move(bytes));
  return data;
}

v1::Data Json(std::string text) {
  v1::Data data;
  data.set_json(std::move(text));
  return data;
}

}  // namespace bpfwarden::adversary
