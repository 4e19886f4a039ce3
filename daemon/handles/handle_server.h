// The read-handle socket (--handle_socket): hands an authorized caller a
// read-only descriptor of a map over a Unix socket (SCM_RIGHTS), so it
// reads at syscall speed instead of through the API. One thread serves
// every connection (non-blocking, epoll): a slow or silent client costs a
// connection slot and a few KiB, never a thread. No gRPC.
#ifndef BPFWARDEN_DAEMON_HANDLES_HANDLE_SERVER_H_
#define BPFWARDEN_DAEMON_HANDLES_HANDLE_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "daemon/base/unique_fd.h"
#include "daemon/base/unix_socket.h"
#include "daemon/core/warden.h"
#include "daemon/handles/connection.h"
#include "daemon/handles/handover.h"
#include "daemon/handles/kernel_probe.h"
#include "daemon/metrics/handle_stats.h"

namespace bpfwarden::handles {

struct HandleServerOptions {
  UnixSocketOptions socket;
  // Open connections of non-root callers together, and of one uid; beyond
  // them a new connection gets RESOURCE_EXHAUSTED and is closed. Root is
  // never refused.
  size_t max_connections = 128;
  size_t max_connections_per_uid = 8;
  // A request frame must arrive whole within `read_timeout` of its first
  // byte (DEADLINE_EXCEEDED, closed); an answer must be taken within
  // `write_timeout`; a connection with nothing to do is closed after
  // `idle_timeout`.
  absl::Duration read_timeout = absl::Seconds(5);
  absl::Duration write_timeout = absl::Seconds(5);
  absl::Duration idle_timeout = absl::Seconds(60);
  HandoverLimits limits;
};

class HandleServer {
 public:
  // Binds options.socket (or serves `activated`, a listening socket passed
  // by systemd) and probes the kernel (ProbeReadHandles); serves nothing
  // until Start. `stats` may be null; it and `warden` must outlive this.
  static absl::StatusOr<std::unique_ptr<HandleServer>> Create(
      Warden* warden, const HandleServerOptions& options,
      metrics::HandleStats* stats, UniqueFd activated = UniqueFd());
  ~HandleServer();

  // Starts the serving thread; `policy` is asked for the policy in force
  // at every request, so a reload applies to the next one.
  absl::Status Start(PolicySource policy);
  // Stops serving, closes every connection and removes the socket file
  // (when bound here). Idempotent.
  void Stop();

  const std::string& path() const { return path_; }
  const HandleProbe& probe() const { return probe_; }

 private:
  HandleServer(Warden* warden, HandleServerOptions options,
               metrics::HandleStats* stats, std::string path, UniqueFd listen,
               bool owns_file);
  void Loop();
  void Accept(absl::Time now);
  // Reads, answers and sends for one connection; false: close it.
  bool Serve(Connection& conn, bool readable, absl::Time now);
  bool Answer(Connection& conn, absl::Time now);
  void Expire(absl::Time now);
  void Close(int fd);
  bool WithinCaps(const policy::Identity& who) const;
  absl::Status Watch(int fd, uint32_t events, bool add);

  Warden* const warden_;
  const HandleServerOptions options_;
  metrics::HandleStats* const stats_;
  const std::string path_;
  UniqueFd listen_;
  const bool owns_file_;
  HandleProbe probe_;
  UniqueFd epoll_;
  UniqueFd stop_;
  std::unique_ptr<Handover> handover_;
  std::thread thread_;
  // The serving thread's own.
  absl::flat_hash_map<int, std::unique_ptr<Connection>> conns_;
  absl::flat_hash_map<uid_t, size_t> per_uid_;
  size_t non_root_ = 0;
};

}  // namespace bpfwarden::handles

#endif  // BPFWARDEN_DAEMON_HANDLES_HANDLE_SERVER_H_
