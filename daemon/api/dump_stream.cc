#include "daemon/api/dump_stream.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "daemon/api/dump_pages.h"
#include "daemon/api/failed_stream.h"
#include "daemon/api/grpc_status.h"
#include "daemon/api/map_data.h"
#include "daemon/api/map_open.h"
#include "daemon/api/maps_service.h"
#include "daemon/api/stream_grant.h"

namespace bpfwarden::api {
namespace {

// Page sizes for `map`: as asked, within the limits, and a first guess that
// keeps most pages inside the message limit even as JSON (which can take
// several times the raw size); NextDumpPage shrinks pages that still encode
// larger.
DumpOptions PageOptions(const ApiLimits& limits, const TypedMap& map,
                        const v1::DumpRequest& req) {
  DumpOptions options;
  options.page_size = req.page_size() == 0
                          ? limits.default_page
                          : std::min(req.page_size(), limits.max_page);
  const size_t entry_bytes = 8 * (map.key_size() + map.value_bytes()) + 64;
  options.page_size = std::max<size_t>(
      1,
      std::min(options.page_size, limits.max_message_bytes / 2 / entry_bytes));
  return options;
}

class DumpReactor : public grpc::ServerWriteReactor<v1::DumpResponse> {
 public:
  DumpReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
              v1::DumpRequest req, policy::Identity who,
              std::shared_ptr<const MapHandle> handle,
              std::unique_ptr<StreamSlots::Slot> slot)
      : api_(api),
        ctx_(ctx),
        req_(std::move(req)),
        grant_(*api, std::move(who), policy::Operation::kRead,
               {req_.map().program_set(), req_.map().map()}, "Maps.Dump"),
        handle_(std::move(handle)),
        slot_(std::move(slot)),
        options_(PageOptions(api->limits(), handle_->map, req_)) {}

  // Has the first page made.
  void Start() {
    absl::MutexLock lock(&mu_);
    ProduceLocked(req_.resume_token());
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(absl::CancelledError("Maps.Dump: the client went away"));
    } else if (wrote_last_) {
      FinishLocked(absl::OkStatus());
    } else {
      Pump();
    }
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(
        absl::CancelledError("Maps.Dump: cancelled or past its deadline"));
  }
  // The reactor goes once gRPC is done with it and no page is being made.
  void OnDone() override {
    bool last;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      last = !producing_;
    }
    if (last) delete this;
  }

 private:
  // On the page queue: the page that starts at `token`. Every page of the
  // dump is made here, one at a time.
  absl::StatusOr<v1::DumpResponse> MakePage(const std::string& token) {
    // A reloaded policy that no longer grants the dump ends it.
    if (absl::Status s = grant_.Check(); !s.ok()) return s;
    // Room for gRPC's own framing of the message.
    const size_t page_bytes = api_->limits().max_message_bytes - 1024;
    return NextDumpPage(handle_->map, req_, token, options_, page_bytes,
                        api_->work());
  }

  // Has the page at `token` made on the page queue.
  void ProduceLocked(std::string token) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    producing_ = true;
    absl::Status queued = api_->pages().Post(
        [this, token = std::move(token)] { Produced(MakePage(token)); });
    if (!queued.ok()) {
      producing_ = false;
      FinishLocked(queued);
    }
  }

  void Produced(absl::StatusOr<v1::DumpResponse> page) {
    bool last;
    {
      absl::MutexLock lock(&mu_);
      producing_ = false;
      last = done_;
      if (!done_) {
        ready_ = std::move(page);
        Pump();
      }
    }
    if (last) delete this;
  }

  // Writes the ready page, if no write is in flight, and has the next one
  // made meanwhile. An error ends the call once the write before it went.
  void Pump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_ || !ready_.has_value()) return;
    if (!ready_->ok()) {
      FinishLocked(ready_->status());  // a copy: FinishLocked drops ready_
      return;
    }
    in_flight_ = **std::move(ready_);
    ready_.reset();
    ++pages_;
    wrote_last_ = in_flight_.done() ||
                  (req_.max_pages() != 0 && pages_ >= req_.max_pages());
    std::string next = in_flight_.resume_token();
    writing_ = true;
    StartWrite(&in_flight_);
    if (!wrote_last_) ProduceLocked(std::move(next));
  }

  void FinishLocked(absl::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    ready_.reset();
    // A write the client is not reading would hold the status back until
    // the server's shutdown grace runs out: cancel instead.
    if (writing_ && !status.ok()) ctx_->TryCancel();
    Finish(ToGrpc(status));
  }

  ApiContext* const api_;
  grpc::CallbackServerContext* const ctx_;
  const v1::DumpRequest req_;
  // Only the page being made asks it.
  StreamGrant grant_;
  const std::shared_ptr<const MapHandle> handle_;
  const std::unique_ptr<StreamSlots::Slot> slot_;
  // Only the page being made touches it (NextDumpPage may shrink pages).
  DumpOptions options_;

  absl::Mutex mu_;
  bool producing_ ABSL_GUARDED_BY(mu_) = false;  // a page is being made
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool wrote_last_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;  // OnDone ran
  uint32_t pages_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<absl::StatusOr<v1::DumpResponse>> ready_ ABSL_GUARDED_BY(mu_);
  v1::DumpResponse in_flight_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<DumpReactor*> NewDump(ApiContext* api,
                                     grpc::CallbackServerContext* ctx,
                                     const v1::DumpRequest& req) {
  if (absl::Status s = CheckRef(req.map()); !s.ok()) return s;
  // Authorized before any other work.
  auto who =
      api->Authorize(*ctx, policy::Operation::kRead,
                     {req.map().program_set(), req.map().map()}, "Maps.Dump");
  if (!who.ok()) return who.status();
  if (absl::Status s = CheckEncoding(req.encoding()); !s.ok()) return s;
  auto slot = api->streams().Acquire(who->Principal());
  if (!slot.ok()) return slot.status();
  auto handle = OpenMapFor(*api, req.map(), ElementMethod::kDump);
  if (!handle.ok()) return handle.status();
  return new DumpReactor(api, ctx, req, *std::move(who), *std::move(handle),
                         *std::move(slot));
}

}  // namespace

grpc::ServerWriteReactor<v1::DumpResponse>* StartDump(
    ApiContext* api, grpc::CallbackServerContext* ctx,
    const v1::DumpRequest* req) {
  absl::StatusOr<DumpReactor*> reactor = NewDump(api, ctx, *req);
  if (!reactor.ok())
    return new FailedStream<v1::DumpResponse>(reactor.status());
  (*reactor)->Start();
  return *reactor;
}

grpc::ServerWriteReactor<v1::DumpResponse>* MapsService::Dump(
    grpc::CallbackServerContext* ctx, const v1::DumpRequest* req) {
  return StartDump(api_, ctx, req);
}

}  // namespace bpfwarden::api
