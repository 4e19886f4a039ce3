#include "daemon/api/write_watch.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/time/clock.h"
#include "daemon/api/caller.h"
#include "daemon/base/log.h"

namespace bpfwarden::api {

WriteWatch::WriteWatch(absl::Duration grace)
    : grace_(grace), thread_([this] { Loop(); }) {}

WriteWatch::~WriteWatch() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

WriteWatch::Watched WriteWatch::Watch(const grpc::ServerContext& ctx) {
  return Watch(FdOfPeer(ctx.peer()), absl::FromChrono(ctx.deadline()));
}

WriteWatch::Watched WriteWatch::Watch(int fd, absl::Time deadline) {
  if (fd < 0) return Watched(nullptr, 0);
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  // InfiniteFuture stays infinite: a call without a deadline is cut only at
  // shutdown.
  const absl::Time give_up = deadline + grace_;
  writes_.emplace(id, Entry{fd, give_up});
  if (give_up < next_wake_) kick_ = true;
  return Watched(this, id);
}

void WriteWatch::Leave(uint64_t id) {
  absl::MutexLock lock(&mu_);
  writes_.erase(id);
}

void WriteWatch::BeginShutdown(absl::Time cut_at) {
  absl::MutexLock lock(&mu_);
  shutdown_at_ = std::min(shutdown_at_, cut_at);
  kick_ = true;
}

uint64_t WriteWatch::cut() const {
  absl::MutexLock lock(&mu_);
  return cut_;
}

absl::Time WriteWatch::CutExpired() {
  const absl::Time now = absl::Now();
  absl::Time next = absl::InfiniteFuture();
  for (auto& [id, write] : writes_) {
    if (write.cut) continue;
    const absl::Time give_up = std::min(write.give_up, shutdown_at_);
    if (give_up > now) {
      next = std::min(next, give_up);
      continue;
    }
    // The entry exists only while its call runs, so the fd is still that
    // call's connection.
    write.cut = true;
    ++cut_;
    if (::shutdown(write.fd, SHUT_RDWR) != 0) {
      BPFWARDEN_LOG(WARNING) << "api: cannot cut connection fd " << write.fd
                             << ": " << std::strerror(errno);
      continue;
    }
    BPFWARDEN_LOG(WARNING)
        << "api: cut connection fd " << write.fd
        << ": a stream write stayed blocked on a client that does not read, "
        << (shutdown_at_ <= now ? "past shutdown" : "past its deadline");
  }
  return next;
}

void WriteWatch::Loop() {
  absl::MutexLock lock(&mu_);
  // Sleeps until the earliest give-up, or until a write that gives up
  // sooner arrives, or shutdown begins.
  auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stop_ || kick_;
  };
  while (!stop_) {
    next_wake_ = CutExpired();
    kick_ = false;
    mu_.AwaitWithDeadline(absl::Condition(&woken), next_wake_);
  }
}

}  // namespace bpfwarden::api
