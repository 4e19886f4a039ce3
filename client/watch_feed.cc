#include "client/watch_feed.h"

#include <pthread.h>
#include <signal.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli {
namespace {

// The JSON text a dump's line holds for `data`: its JSON (normalized as
// DumpRows does), raw bytes as a hex string, null for an implicit key.
absl::StatusOr<std::string> JsonText(const v1::Data& data,
                                     absl::string_view what) {
  switch (data.form_case()) {
    case v1::Data::kJson: {
      absl::StatusOr<Json> json = ParseJson(data.json(), what);
      if (!json.ok()) return json.status();
      return DumpJson(*json);
    }
    case v1::Data::kRaw:
      return DumpJson(Json(absl::BytesToHexString(data.raw())));
    case v1::Data::FORM_NOT_SET:
      break;
  }
  return std::string("null");
}

}  // namespace

WatchFeed::WatchFeed(std::unique_ptr<MapWatch> watch)
    : watch_(std::move(watch)) {}

absl::StatusOr<std::unique_ptr<WatchFeed>> WatchFeed::Start(
    std::unique_ptr<MapWatch> watch) {
  std::unique_ptr<WatchFeed> feed(new WatchFeed(std::move(watch)));
  feed->thread_ = std::thread([f = feed.get()] { f->Loop(); });
  absl::MutexLock lock(&feed->mu_);
  feed->mu_.Await(absl::Condition(
      +[](WatchFeed* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->mu_) {
        return f->have_first_ || f->ended_;
      },
      feed.get()));
  if (!feed->have_first_) return feed->end_;
  return feed;
}

WatchFeed::~WatchFeed() {
  watch_->Cancel();
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<Snapshot> WatchFeed::Latest() {
  absl::MutexLock lock(&mu_);
  if (ended_) return end_;
  return current_;
}

void WatchFeed::Loop() {
  // Ctrl-C is the main thread's: its wait for the next round ends at once.
  sigset_t sigint;
  sigemptyset(&sigint);
  sigaddset(&sigint, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigint, nullptr);
  v1::WatchResponse message;
  absl::Status status;
  while (status.ok() && watch_->Read(message)) {
    absl::MutexLock lock(&mu_);
    status = Apply(message);
  }
  if (status.ok()) {
    status = watch_->Finish();
    if (status.ok()) status = absl::UnavailableError("Maps.Watch ended");
  } else {
    watch_->Cancel();
  }
  absl::MutexLock lock(&mu_);
  ended_ = true;
  end_ = status;
}

absl::Status WatchFeed::Apply(const v1::WatchResponse& message) {
  if (!in_tick_ && message.full()) building_.clear();
  for (const v1::WatchChange& change : message.changes()) {
    absl::StatusOr<std::string> key = JsonText(change.key(), "key");
    if (!key.ok()) return key.status();
    if (change.kind() == v1::WatchChange::REMOVED) {
      building_.erase(*key);
      continue;
    }
    absl::StatusOr<std::string> value =
        JsonText(change.new_value(), "value");
    if (!value.ok()) return value.status();
    building_[*std::move(key)] = *std::move(value);
  }
  in_tick_ = message.continued();
  if (!in_tick_) {
    current_ = building_;
    have_first_ = true;
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden::cli
