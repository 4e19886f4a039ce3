#include "daemon/core/bpf_log_channel.h"

#include <utility>

#include "daemon/base/log.h"

namespace bpfwarden {

void BpfLogChannel::Append(BpfLogEntry entry) {
  {
    absl::MutexLock lock(&mu_);
    entry.seq = ++last_seq_;
    entries_.push_back(std::move(entry));
    while (entries_.size() > backlog_) entries_.pop_front();
  }
  listeners_.Notify();
}

void BpfLogChannel::Close() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  listeners_.Notify();
}

BpfLogChannel::Batch BpfLogChannel::Read(uint64_t* cursor,
                                         absl::Duration wait) {
  absl::MutexLock lock(&mu_);
  auto ready = [this, cursor]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || last_seq_ > *cursor;
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), wait);
  Batch batch;
  for (const BpfLogEntry& e : entries_) {
    if (e.seq > *cursor) batch.entries.push_back(e);
  }
  if (!batch.entries.empty()) *cursor = batch.entries.back().seq;
  batch.closed = closed_ && last_seq_ <= *cursor;
  return batch;
}

void StderrBpfLogSink::Write(const BpfLogEntry& e) {
  auto record = [&](LogRecord&& r) {
    r << "bpf " << e.set << "/" << e.program << " " << e.site << " "
      << BpfLogLevelName(e.level) << ": " << e.message;
  };
  switch (e.level) {
    case BpfLogLevel::kError:
      return record(BPFWARDEN_LOG(ERROR));
    case BpfLogLevel::kWarn:
      return record(BPFWARDEN_LOG(WARNING));
    default:
      return record(BPFWARDEN_LOG(INFO));
  }
}

}  // namespace bpfwarden
