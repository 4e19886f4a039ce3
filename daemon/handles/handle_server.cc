#include "daemon/handles/handle_server.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"
#include "daemon/policy/unix_identity.h"

namespace bpfwarden::handles {
namespace {

constexpr uint64_t kListenTag = ~uint64_t{0};
constexpr uint64_t kStopTag = ~uint64_t{0} - 1;

}  // namespace

absl::StatusOr<std::unique_ptr<HandleServer>> HandleServer::Create(
    Warden* warden, const HandleServerOptions& options,
    metrics::HandleStats* stats, UniqueFd activated) {
  std::string path;
  bool owns_file = false;
  if (activated.valid()) {
    absl::StatusOr<std::string> p = UnixSocketPath(activated.get());
    if (!p.ok()) return p.status();
    path = *std::move(p);
  } else {
    absl::StatusOr<UniqueFd> fd = BindUnixSocket(options.socket);
    if (!fd.ok()) return fd.status();
    activated = *std::move(fd);
    path = options.socket.path;
    owns_file = true;
  }
  std::unique_ptr<HandleServer> self(new HandleServer(
      warden, options, stats, std::move(path), std::move(activated),
      owns_file));
  self->epoll_.Reset(epoll_create1(EPOLL_CLOEXEC));
  if (!self->epoll_) return ErrnoStatus(errno, "epoll_create1");
  self->stop_.Reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!self->stop_) return ErrnoStatus(errno, "eventfd");
  // Non-blocking accepts: a client that connects and goes away before the
  // accept does not stall the loop.
  const int flags = fcntl(self->listen_.get(), F_GETFL);
  if (flags < 0 ||
      fcntl(self->listen_.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    return ErrnoStatus(errno, absl::StrCat("make ", self->path_,
                                           " non-blocking"));
  }
  self->probe_ = ProbeReadHandles();
  return self;
}

HandleServer::HandleServer(Warden* warden, HandleServerOptions options,
                           metrics::HandleStats* stats, std::string path,
                           UniqueFd listen, bool owns_file)
    : warden_(warden),
      options_(std::move(options)),
      stats_(stats),
      path_(std::move(path)),
      listen_(std::move(listen)),
      owns_file_(owns_file) {}

HandleServer::~HandleServer() { Stop(); }

absl::Status HandleServer::Watch(int fd, uint32_t events, bool add) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = static_cast<uint64_t>(fd);
  if (epoll_ctl(epoll_.get(), add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) !=
      0) {
    return ErrnoStatus(errno, "epoll_ctl");
  }
  return absl::OkStatus();
}

absl::Status HandleServer::Start(PolicySource policy) {
  if (thread_.joinable() || !listen_) {
    return absl::FailedPreconditionError("handle server started or stopped");
  }
  handover_ = std::make_unique<Handover>(warden_, std::move(policy), probe_,
                                         options_.limits, stats_);
  for (auto [fd, tag] : {std::pair{listen_.get(), kListenTag},
                         std::pair{stop_.get(), kStopTag}}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
      return ErrnoStatus(errno, "epoll_ctl");
    }
  }
  thread_ = std::thread([this] { Loop(); });
  BPFWARDEN_LOG(INFO) << "handles: serving on " << path_ << " (read handles "
                      << (probe_.usable ? "usable" : "NOT usable") << ": "
                      << probe_.detail << ")";
  return absl::OkStatus();
}

void HandleServer::Stop() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    if (write(stop_.get(), &one, sizeof(one)) < 0) {
      BPFWARDEN_LOG(ERROR) << "handles: cannot stop the loop: "
                           << std::strerror(errno);
    }
    thread_.join();
  }
  conns_.clear();
  if (listen_) {
    listen_.Reset();
    if (owns_file_) unlink(path_.c_str());
  }
}

void HandleServer::Loop() {
  std::vector<epoll_event> events(64);
  for (;;) {
    int timeout_ms = -1;
    if (!conns_.empty()) {
      absl::Time next = absl::InfiniteFuture();
      for (const auto& [fd, conn] : conns_) {
        next = std::min(next, conn->Deadline(options_.read_timeout,
                                             options_.write_timeout,
                                             options_.idle_timeout));
      }
      timeout_ms = static_cast<int>(std::clamp<int64_t>(
          absl::ToInt64Milliseconds(absl::Ceil(next - absl::Now(),
                                               absl::Milliseconds(1))),
          0, 60 * 1000));
    }
    const int n = epoll_wait(epoll_.get(), events.data(),
                             static_cast<int>(events.size()), timeout_ms);
    if (n < 0 && errno != EINTR) {
      BPFWARDEN_LOG(ERROR) << "handles: epoll_wait: " << std::strerror(errno);
      return;
    }
    const absl::Time now = absl::Now();
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kStopTag) return;
      if (tag == kListenTag) {
        Accept(now);
        continue;
      }
      auto it = conns_.find(static_cast<int>(tag));
      if (it == conns_.end()) continue;
      const uint32_t what = events[i].events;
      const bool readable = (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0;
      if (!Serve(*it->second, readable, now)) Close(it->first);
    }
    Expire(now);
  }
}

bool HandleServer::WithinCaps(const policy::Identity& who) const {
  if (who.IsRoot()) return true;
  auto it = per_uid_.find(who.uid);
  const size_t of_uid = it == per_uid_.end() ? 0 : it->second;
  return of_uid < options_.max_connections_per_uid &&
         non_root_ < options_.max_connections;
}

void HandleServer::Accept(absl::Time now) {
  for (int i = 0; i < 64; ++i) {
    UniqueFd fd(accept4(listen_.get(), nullptr, nullptr,
                        SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) {
      if (errno == EMFILE || errno == ENFILE) {
        BPFWARDEN_LOG(WARNING) << "handles: accept: " << std::strerror(errno);
      }
      return;
    }
    absl::StatusOr<policy::Identity> who = policy::PeerIdentity(fd.get());
    if (!who.ok()) continue;
    auto conn = std::make_unique<Connection>(std::move(fd), *std::move(who),
                                             now);
    if (!WithinCaps(conn->who())) {
      // Told why, as far as the socket takes it at once; then closed.
      conn->Queue(handover_->Refuse(
                      conn->who(),
                      absl::ResourceExhaustedError(absl::StrCat(
                          "too many handle connections: at most ",
                          options_.max_connections_per_uid, " per uid and ",
                          options_.max_connections, " in all"))),
                  UniqueFd(), now);
      conn->Flush(now).IgnoreError();
      continue;
    }
    const int key = conn->fd();
    if (!Watch(key, EPOLLIN | EPOLLRDHUP, /*add=*/true).ok()) continue;
    if (!conn->who().IsRoot()) {
      ++per_uid_[conn->who().uid];
      ++non_root_;
    }
    conns_.emplace(key, std::move(conn));
  }
}

bool HandleServer::Serve(Connection& conn, bool readable, absl::Time now) {
  if (conn.answering()) {
    absl::Status s = conn.Flush(now);
    if (absl::IsUnavailable(s)) return true;
    if (!s.ok() || conn.closing()) return false;
    if (!Watch(conn.fd(), EPOLLIN | EPOLLRDHUP, false).ok()) return false;
  } else if (readable && !conn.Receive(now)) {
    return false;
  }
  return Answer(conn, now);
}

bool HandleServer::Answer(Connection& conn, absl::Time now) {
  while (!conn.answering()) {
    absl::StatusOr<FrameScan> scan = ScanFrame(conn.input());
    if (!scan.ok()) {
      conn.Queue(handover_->Refuse(conn.who(), scan.status()), UniqueFd(),
                 now);
      conn.CloseAfterAnswer();
    } else if (!scan->complete) {
      return true;
    } else {
      handles::Answer answer = handover_->Serve(
          conn.who(), conn.input().substr(kFrameHeader, scan->payload));
      conn.Consume(kFrameHeader + scan->payload, now);
      conn.Queue(answer.response, std::move(answer.fd), now);
    }
    absl::Status s = conn.Flush(now);
    if (absl::IsUnavailable(s)) {
      // Read nothing more until the client takes its answer.
      return Watch(conn.fd(), EPOLLOUT | EPOLLRDHUP, false).ok();
    }
    if (!s.ok() || conn.closing()) return false;
  }
  return true;
}

void HandleServer::Expire(absl::Time now) {
  std::vector<int> expired;
  for (const auto& [fd, conn] : conns_) {
    if (conn->Deadline(options_.read_timeout, options_.write_timeout,
                       options_.idle_timeout) > now) {
      continue;
    }
    if (conn->MidFrame()) {
      conn->Queue(handover_->Refuse(
                      conn->who(),
                      absl::DeadlineExceededError(absl::StrCat(
                          "request frame not complete ",
                          absl::FormatDuration(options_.read_timeout),
                          " after its first byte: closing"))),
                  UniqueFd(), now);
      conn->Flush(now).IgnoreError();
    }
    expired.push_back(fd);
  }
  for (int fd : expired) Close(fd);
}

void HandleServer::Close(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  const policy::Identity& who = it->second->who();
  if (!who.IsRoot()) {
    if (--per_uid_[who.uid] == 0) per_uid_.erase(who.uid);
    --non_root_;
  }
  // Closing the descriptor takes it out of the epoll set.
  conns_.erase(it);
}

}  // namespace bpfwarden::handles
