#include "daemon/api/audited_call.h"

#include <utility>

#include "daemon/api/grpc_status.h"
#include "daemon/policy/audit.h"

namespace bpfwarden::api {

AuditedCall::AuditedCall(policy::Identity who, absl::string_view method,
                         policy::Resource what, std::string keys)
    : who_(std::move(who)),
      method_(method),
      what_(std::move(what)),
      keys_(std::move(keys)) {}

AuditedCall::~AuditedCall() {
  Record(absl::UnknownError("the call ended without recording its outcome"));
}

grpc::Status AuditedCall::Finish(const absl::Status& outcome) {
  Record(outcome);
  return ToGrpc(outcome);
}

void AuditedCall::Record(const absl::Status& outcome) {
  if (recorded_) return;
  recorded_ = true;
  policy::Audit({&who_, method_, &what_, keys_, outcome});
}

}  // namespace bpfwarden::api
