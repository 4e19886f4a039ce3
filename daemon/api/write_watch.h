// Bounds how long a server-streaming handler can stay blocked in
// ServerWriter::Write on a client that does not read.
//
// gRPC's sync API blocks Write on HTTP/2 flow control. With Debian's gRPC
// (1.51) such a write has been seen to stay blocked long after its call's
// deadline passed (a Dump 25 s past a 1 s deadline), and Server::Shutdown
// waits for it, so the daemon could not stop. WriteWatch breaks that wait: a
// write still blocked `grace` after its call's deadline, or after shutdown
// began, has its connection shut down (shutdown(2) on the accepted socket).
// That fails every call on the connection, the blocked write included.
//
// Only Unix-socket connections can be cut (their fd is known from the peer
// string "fd:N"); a TLS connection's writes are not watched. While a call
// runs, fd N is that call's connection (see PeerRegistry), so cutting it
// cannot hit another socket.
#ifndef BPFWARDEN_DAEMON_API_WRITE_WATCH_H_
#define BPFWARDEN_DAEMON_API_WRITE_WATCH_H_

#include <cstdint>
#include <map>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/sync_stream.h"

namespace bpfwarden::api {

class WriteWatch {
 public:
  explicit WriteWatch(absl::Duration grace);
  ~WriteWatch();
  WriteWatch(const WriteWatch&) = delete;
  WriteWatch& operator=(const WriteWatch&) = delete;

  // Held around one Write: while it lives, the write is watched.
  class Watched {
   public:
    Watched(WriteWatch* owner, uint64_t id) : owner_(owner), id_(id) {}
    Watched(const Watched&) = delete;
    Watched& operator=(const Watched&) = delete;
    ~Watched() {
      if (owner_ != nullptr) owner_->Leave(id_);
    }

   private:
    WriteWatch* owner_;
    uint64_t id_;
  };

  // Watches a write on the call's connection until its deadline plus grace.
  Watched Watch(const grpc::ServerContext& ctx);
  // The same, for a connected socket `fd` (-1: not watched) and a deadline.
  Watched Watch(int fd, absl::Time deadline);

  // Writes `message` to a server stream, watched.
  template <typename Message>
  bool Write(const grpc::ServerContext& ctx,
             grpc::ServerWriter<Message>* writer, const Message& message) {
    Watched watched = Watch(ctx);
    return writer->Write(message);
  }

  // Shutdown has begun: a write still blocked at `cut_at` (now or later) is
  // cut then, whatever its deadline.
  void BeginShutdown(absl::Time cut_at);

  // Connections cut so far.
  uint64_t cut() const;

 private:
  struct Entry {
    int fd;
    absl::Time give_up;
    bool cut = false;
  };
  void Leave(uint64_t id);
  void Loop();
  // Cuts every expired entry; returns the next time one expires.
  absl::Time CutExpired() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration grace_;
  mutable absl::Mutex mu_;
  std::map<uint64_t, Entry> writes_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::Time shutdown_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  uint64_t cut_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time next_wake_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  bool kick_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_WRITE_WATCH_H_
