#include "daemon/api/logs_service.h"

#include "absl/strings/str_cat.h"
#include "daemon/api/grpc_status.h"
#include "daemon/api/stream_grant.h"
#include "daemon/core/names.h"

namespace bpfwarden::api {
namespace {

// How often a follower with nothing to read checks for cancellation.
constexpr absl::Duration kPoll = absl::Milliseconds(200);

v1::LogRecord ToRecord(const BpfLogEntry& e) {
  v1::LogRecord out;
  out.set_seq(e.seq);
  out.set_time_unix_nanos(absl::ToUnixNanos(e.time));
  out.set_level(static_cast<v1::LogLevel>(e.level));
  out.set_program_set(e.set);
  out.set_program(e.program);
  out.set_site(e.site);
  out.set_message(e.message);
  return out;
}

}  // namespace

grpc::Status LogsService::Tail(grpc::ServerContext* ctx,
                               const v1::TailRequest* req,
                               grpc::ServerWriter<v1::LogRecord>* writer) {
  if (absl::Status s = ValidateSetName(req->program_set()); !s.ok()) {
    return ToGrpc(s);
  }
  const policy::Resource what = LogsOf(req->program_set());
  auto who = api_->Authorize(*ctx, policy::Operation::kRead, what, "Logs.Tail");
  if (!who.ok()) return ToGrpc(who.status());
  StreamGrant grant(*api_, *who, policy::Operation::kRead, what, "Logs.Tail");
  if (logs_ == nullptr) {
    return ToGrpc(absl::NotFoundError("this daemon reads no BPF logs"));
  }
  absl::StatusOr<std::shared_ptr<BpfLogChannel>> channel =
      logs_->Channel(req->program_set());
  if (!channel.ok()) return ToGrpc(channel.status());
  auto slot = api_->streams().Acquire(who->Principal());
  if (!slot.ok()) return ToGrpc(slot.status());
  // Unset: every level (TRACE is the least severe).
  const int min_level = req->min_level() == v1::LOG_LEVEL_UNSPECIFIED
                            ? v1::TRACE
                            : static_cast<int>(req->min_level());
  uint64_t cursor = 0;
  while (!ctx->IsCancelled()) {
    if (absl::Status s = grant.Check(); !s.ok()) return ToGrpc(s);
    BpfLogChannel::Batch batch =
        (*channel)->Read(&cursor, req->follow() ? kPoll : absl::ZeroDuration());
    for (const BpfLogEntry& e : batch.entries) {
      if (static_cast<int>(e.level) > min_level) continue;
      if (!api_->writes().Write(*ctx, writer, ToRecord(e))) {
        return grpc::Status(grpc::StatusCode::CANCELLED,
                            "Logs.Tail: the client went away");
      }
    }
    if (batch.closed || (!req->follow() && batch.entries.empty())) {
      return grpc::Status::OK;
    }
  }
  return grpc::Status(grpc::StatusCode::CANCELLED,
                      "Logs.Tail: cancelled or past its deadline");
}

}  // namespace bpfwarden::api
