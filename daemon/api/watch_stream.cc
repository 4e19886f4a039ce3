#include "daemon/api/watch_stream.h"

#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "daemon/api/failed_stream.h"
#include "daemon/api/grpc_status.h"
#include "daemon/api/map_data.h"
#include "daemon/api/map_open.h"
#include "daemon/api/maps_service.h"
#include "daemon/api/stream_grant.h"

namespace bpfwarden::api {
namespace {

constexpr absl::Duration kDefaultInterval = absl::Seconds(1);

absl::Span<const uint8_t> Span(absl::string_view bytes) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()),
                             bytes.size());
}

// The map a Watch names, for element reads, shared with the handle that
// owns it.
absl::StatusOr<std::shared_ptr<const TypedMap>> WatchedMap(
    const ApiContext& api, const v1::MapRef& ref) {
  auto handle = OpenMapFor(api, ref, ElementMethod::kWatch);
  if (!handle.ok()) return handle.status();
  const MapHandle* raw = handle->get();
  return std::shared_ptr<const TypedMap>(*std::move(handle), &raw->map);
}

class WatchReactor : public grpc::ServerWriteReactor<v1::WatchResponse> {
 public:
  WatchReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
               v1::MapRef ref, std::shared_ptr<const TypedMap> map,
               v1::Encoding encoding, std::unique_ptr<StreamSlots::Slot> slot,
               StreamGrant grant)
      : api_(api),
        ctx_(ctx),
        ref_(std::move(ref)),
        map_(std::move(map)),
        encoding_(encoding),
        slot_(std::move(slot)),
        grant_(std::move(grant)) {}

  absl::Status Subscribe(absl::Duration interval) {
    absl::MutexLock lock(&mu_);
    auto sub = api_->watches().Subscribe(
        map_, interval, [this] { Ready(); }, [this] { return StillServed(); });
    if (!sub.ok()) return sub.status();
    sub_ = *std::move(sub);
    Pump();
    return absl::OkStatus();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(absl::CancelledError("Maps.Watch: the client went away"));
      return;
    }
    Pump();
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(absl::CancelledError("Maps.Watch: cancelled"));
  }
  void OnDone() override {
    // Unsubscribing waits for a Ready in progress: not under mu_.
    sub_.reset();
    delete this;
  }

 private:
  // OK while the core still serves this map (its set was not unloaded or
  // replaced since the watch began) and the policy still grants the watch.
  // On the map's dumping thread only.
  absl::Status StillServed() {
    if (absl::Status s = grant_.Check(); !s.ok()) return s;
    auto now = api_->warden().OpenMap(ref_.program_set(), ref_.map());
    if (now.ok() && &(*now)->map == map_.get()) return absl::OkStatus();
    return absl::NotFoundError(
        absl::StrCat("Maps.Watch: ", ref_.program_set(), "/", ref_.map(),
                     " was unloaded or its set reloaded; watch it again"));
  }

  void Ready() {
    absl::MutexLock lock(&mu_);
    Pump();
  }

  void FinishLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    batch_.reset();
    // A write the client is not reading would hold the status back until
    // the server's shutdown grace runs out: cancel instead.
    if (writing_) ctx_->TryCancel();
    Finish(ToGrpc(status));
  }

  // Writes the next message, if one is due and none is in flight.
  void Pump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_ || sub_ == nullptr) return;
    if (!batch_.has_value()) {
      batch_ = sub_->Take();
      next_ = 0;
      if (!batch_.has_value()) return;
      if (!batch_->error.ok()) {
        FinishLocked(batch_->error);
        return;
      }
    }
    if (absl::Status s = Fill(); !s.ok()) {
      FinishLocked(s);
      return;
    }
    if (!message_.continued()) batch_.reset();
    writing_ = true;
    StartWrite(&message_);
  }

  // The next message of batch_ into message_, from change next_ on, up to
  // a quarter of the message limit.
  absl::Status Fill() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const WatchBatch& b = *batch_;
    const size_t budget = api_->limits().max_message_bytes / 4;
    const size_t total = b.full ? b.snapshot->size() : b.changes->size();
    message_.Clear();
    message_.set_full(b.full);
    message_.set_tick(b.tick);
    message_.set_ticks_covered(b.ticks_covered);
    message_.set_daemon_dumps(api_->watches().dumps());
    size_t bytes = 0;
    for (; next_ < total && (bytes < budget || message_.changes_size() == 0);
         ++next_) {
      v1::WatchChange* out = message_.add_changes();
      if (b.full) {
        out->set_kind(v1::WatchChange::ADDED);
        if (absl::Status s =
                Put(b.snapshot->key(next_), Side::kKey, out->mutable_key());
            !s.ok()) {
          return s;
        }
        if (absl::Status s = Put(b.snapshot->value(next_), Side::kValue,
                                 out->mutable_new_value());
            !s.ok()) {
          return s;
        }
      } else if (absl::Status s = PutChange((*b.changes)[next_], *out);
                 !s.ok()) {
        return s;
      }
      bytes += out->ByteSizeLong();
    }
    message_.set_continued(next_ < total);
    return absl::OkStatus();
  }

  absl::Status PutChange(const EntryChange& c, v1::WatchChange& out) {
    using Kind = EntryChange::Kind;
    out.set_kind(c.kind == Kind::kAdded     ? v1::WatchChange::ADDED
                 : c.kind == Kind::kChanged ? v1::WatchChange::CHANGED
                                            : v1::WatchChange::REMOVED);
    if (absl::Status s = Put(c.key, Side::kKey, out.mutable_key()); !s.ok()) {
      return s;
    }
    if (c.kind != Kind::kAdded) {
      absl::Status s = Put(c.old_value, Side::kValue, out.mutable_old_value());
      if (!s.ok()) return s;
    }
    if (c.kind != Kind::kRemoved) {
      absl::Status s = Put(c.new_value, Side::kValue, out.mutable_new_value());
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status Put(absl::string_view bytes, Side side, v1::Data* out) {
    absl::StatusOr<v1::Data> data =
        BytesToData(*map_, Span(bytes), side, encoding_);
    if (!data.ok()) return data.status();
    *out = *std::move(data);
    return absl::OkStatus();
  }

  ApiContext* const api_;
  grpc::CallbackServerContext* const ctx_;
  const v1::MapRef ref_;
  const std::shared_ptr<const TypedMap> map_;
  const v1::Encoding encoding_;
  const std::unique_ptr<StreamSlots::Slot> slot_;
  StreamGrant grant_;  // checked by StillServed only
  // Set under mu_ once; reset only in OnDone.
  std::unique_ptr<MapWatchHub::Subscription> sub_;

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<WatchBatch> batch_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;  // the batch's next change to send
  v1::WatchResponse message_ ABSL_GUARDED_BY(mu_);  // in flight
};

absl::StatusOr<WatchReactor*> NewWatch(ApiContext* api,
                                       grpc::CallbackServerContext* ctx,
                                       const v1::WatchRequest& req) {
  const v1::MapRef& ref = req.map();
  if (absl::Status s = CheckRef(ref); !s.ok()) return s;
  // Authorized before any other work.
  auto who = api->Authorize(*ctx, policy::Operation::kRead,
                            {ref.program_set(), ref.map()}, "Maps.Watch");
  if (!who.ok()) return who.status();
  if (absl::Status s = CheckEncoding(req.encoding()); !s.ok()) return s;
  const absl::Duration interval = req.interval_ms() == 0
                                      ? kDefaultInterval
                                      : absl::Milliseconds(req.interval_ms());
  if (absl::Status s = api->watches().CheckInterval(interval); !s.ok()) {
    return s;
  }
  auto slot = api->streams().Acquire(who->Principal());
  if (!slot.ok()) return slot.status();
  auto map = WatchedMap(*api, ref);
  if (!map.ok()) return map.status();
  StreamGrant grant(*api, *std::move(who), policy::Operation::kRead,
                    {ref.program_set(), ref.map()}, "Maps.Watch");
  auto reactor = std::make_unique<WatchReactor>(
      api, ctx, ref, *std::move(map), req.encoding(), *std::move(slot),
      std::move(grant));
  if (absl::Status s = reactor->Subscribe(interval); !s.ok()) return s;
  return reactor.release();
}

}  // namespace

grpc::ServerWriteReactor<v1::WatchResponse>* StartWatch(
    ApiContext* api, grpc::CallbackServerContext* ctx,
    const v1::WatchRequest* req) {
  absl::StatusOr<WatchReactor*> reactor = NewWatch(api, ctx, *req);
  if (!reactor.ok())
    return new FailedStream<v1::WatchResponse>(reactor.status());
  return *reactor;
}

grpc::ServerWriteReactor<v1::WatchResponse>* MapsService::Watch(
    grpc::CallbackServerContext* ctx, const v1::WatchRequest* req) {
  return StartWatch(api_, ctx, req);
}

}  // namespace bpfwarden::api
