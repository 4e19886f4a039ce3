// The audit record of one authorized call, written exactly once.
#ifndef BPFWARDEN_DAEMON_API_AUDITED_CALL_H_
#define BPFWARDEN_DAEMON_API_AUDITED_CALL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "daemon/policy/identity.h"
#include "daemon/policy/policy.h"
#include "grpcpp/support/status.h"

namespace bpfwarden::api {

// Made once the caller is authorized (denials are audited by
// ApiContext::Authorize). Finish records the call's outcome; a call that
// ends without Finish is recorded by the destructor, as an unknown outcome.
//
//   AuditedCall audit(*who, "Maps.Update", what, keys);
//   if (...) return audit.Finish(error);
//   return audit.Finish(absl::OkStatus());
class AuditedCall {
 public:
  // `keys`: the key(s) the call names, as for policy::AuditEvent.
  AuditedCall(policy::Identity who, absl::string_view method,
              policy::Resource what, std::string keys = "");
  AuditedCall(const AuditedCall&) = delete;
  AuditedCall& operator=(const AuditedCall&) = delete;
  ~AuditedCall();

  // Records `outcome` (only the first Finish records) and returns it as the
  // call's gRPC status.
  grpc::Status Finish(const absl::Status& outcome);

 private:
  void Record(const absl::Status& outcome);

  const policy::Identity who_;
  const std::string method_;
  const policy::Resource what_;
  const std::string keys_;
  bool recorded_ = false;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_AUDITED_CALL_H_
