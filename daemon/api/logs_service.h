// bpfwarden.v1.Logs: the BPF programs' log records, replayed from each
// set's backlog and followed. READ on the set's bw_log map.
#ifndef BPFWARDEN_DAEMON_API_LOGS_SERVICE_H_
#define BPFWARDEN_DAEMON_API_LOGS_SERVICE_H_

#include <string>

#include "daemon/api/api_context.h"
#include "daemon/api/logs_stream.h"
#include "daemon/core/bpf_log_hub.h"
#include "bpfwarden/v1/api.grpc.pb.h"

namespace bpfwarden::api {

// What Logs.Tail needs READ on: set `set`'s bw_log map.
inline policy::Resource LogsOf(const std::string& set) {
  return policy::Resource{set, "bw_log"};
}

class LogsService final : public v1::Logs::CallbackService {
 public:
  // `logs` may be null: every Tail is then NOT_FOUND.
  LogsService(ApiContext* api, BpfLogHub* logs) : api_(api), logs_(logs) {}

  // A callback stream (logs_stream.cc).
  grpc::ServerWriteReactor<v1::LogRecord>* Tail(
      grpc::CallbackServerContext* ctx, const v1::TailRequest* req) override {
    return StartTail(api_, logs_, ctx, req);
  }

 private:
  ApiContext* const api_;
  BpfLogHub* const logs_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_LOGS_SERVICE_H_
