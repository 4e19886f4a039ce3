#include "daemon/api/logs_stream.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/api/failed_stream.h"
#include "daemon/api/grpc_status.h"
#include "daemon/api/logs_service.h"
#include "daemon/api/stream_grant.h"
#include "daemon/core/names.h"

namespace bpfwarden::api {
namespace {

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

class TailReactor : public grpc::ServerWriteReactor<v1::LogRecord> {
 public:
  TailReactor(ApiContext* api, policy::Identity who,
              std::shared_ptr<BpfLogChannel> channel,
              const v1::TailRequest& req,
              std::unique_ptr<StreamSlots::Slot> slot)
      : api_(api),
        grant_(*api, std::move(who), policy::Operation::kRead,
               LogsOf(req.program_set()), "Logs.Tail"),
        channel_(std::move(channel)),
        follow_(req.follow()),
        // Unset: every level (TRACE is the least severe).
        min_level_(req.min_level() == v1::LOG_LEVEL_UNSPECIFIED
                       ? v1::TRACE
                       : static_cast<int>(req.min_level())),
        slot_(std::move(slot)) {}

  // Writes the backlog, then follows. The listener is made outside mu_
  // (it is called with the channel's listener lock held, then takes mu_).
  // A reloaded policy wakes it too, to ask its grant again.
  void Start() {
    listener_ = channel_->Listen([this] { Ready(); });
    policy_listener_ = api_->OnPolicyChange([this] { Ready(); });
    absl::MutexLock lock(&mu_);
    Pump();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(absl::CancelledError("Logs.Tail: the client went away"));
      return;
    }
    Pump();
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(
        absl::CancelledError("Logs.Tail: cancelled or past its deadline"));
  }
  void OnDone() override {
    // Waits for a Ready in progress: not under mu_.
    listener_.reset();
    policy_listener_.reset();
    delete this;
  }

 private:
  void Ready() {
    absl::MutexLock lock(&mu_);
    Pump();
  }

  // Writes the next record, if there is one and no write is in flight;
  // ends the call when there is none and nothing more will come.
  void Pump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    // A policy reloaded without the grant ends the call.
    if (absl::Status s = grant_.Check(); !s.ok()) {
      FinishLocked(s);
      return;
    }
    if (writing_) return;
    const BpfLogEntry* entry = NextEntry();
    if (entry == nullptr) {
      if (closed_ || !follow_) FinishLocked(absl::OkStatus());
      return;
    }
    message_ = ToRecord(*entry);
    writing_ = true;
    StartWrite(&message_);
  }

  // The next record at the levels asked for, reading the channel again once
  // the last batch is used up; null when it has none now. Every batch the
  // call sends is read here.
  const BpfLogEntry* NextEntry() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (;;) {
      while (next_ < batch_.size()) {
        const BpfLogEntry& e = batch_[next_++];
        if (static_cast<int>(e.level) <= min_level_) return &e;
      }
      BpfLogChannel::Batch batch =
          channel_->Read(&cursor_, absl::ZeroDuration());
      closed_ = batch.closed;
      if (batch.entries.empty()) return nullptr;
      batch_ = std::move(batch.entries);
      next_ = 0;
    }
  }

  void FinishLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(ToGrpc(status));
  }

  ApiContext* const api_;
  StreamGrant grant_ ABSL_GUARDED_BY(mu_);
  const std::shared_ptr<BpfLogChannel> channel_;
  const bool follow_;
  const int min_level_;
  const std::unique_ptr<StreamSlots::Slot> slot_;
  // Set once in Start; reset only in OnDone.
  std::unique_ptr<BpfLogChannel::Listener> listener_;
  std::unique_ptr<Notifier::Listener> policy_listener_;

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;  // the channel said so
  uint64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<BpfLogEntry> batch_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;        // the batch's next record
  v1::LogRecord message_ ABSL_GUARDED_BY(mu_);  // in flight
};

absl::StatusOr<TailReactor*> NewTail(ApiContext* api, BpfLogHub* logs,
                                     grpc::CallbackServerContext* ctx,
                                     const v1::TailRequest& req) {
  if (absl::Status s = ValidateSetName(req.program_set()); !s.ok()) return s;
  // Authorized before any other work.
  auto who = api->Authorize(*ctx, policy::Operation::kRead,
                            LogsOf(req.program_set()), "Logs.Tail");
  if (!who.ok()) return who.status();
  if (!v1::LogLevel_IsValid(req.min_level())) {
    return absl::InvalidArgumentError(
        absl::StrCat("Logs.Tail: min_level ", req.min_level(),
                     " is not a level (TRACE is the least severe)"));
  }
  if (logs == nullptr) {
    return absl::NotFoundError("this daemon reads no BPF logs");
  }
  absl::StatusOr<std::shared_ptr<BpfLogChannel>> channel =
      logs->Channel(req.program_set());
  if (!channel.ok()) return channel.status();
  auto slot = api->streams().Acquire(who->Principal());
  if (!slot.ok()) return slot.status();
  return new TailReactor(api, *std::move(who), *std::move(channel), req,
                         *std::move(slot));
}

}  // namespace

grpc::ServerWriteReactor<v1::LogRecord>* StartTail(
    ApiContext* api, BpfLogHub* logs, grpc::CallbackServerContext* ctx,
    const v1::TailRequest* req) {
  absl::StatusOr<TailReactor*> reactor = NewTail(api, logs, ctx, *req);
  if (!reactor.ok()) return new FailedStream<v1::LogRecord>(reactor.status());
  (*reactor)->Start();
  return *reactor;
}

}  // namespace bpfwarden::api
