// The daemon's reader of BPF log records (bpf/include/bpfwarden/log.h):
// one thread, one epoll set, and per program set with a `bw_log` ring
// buffer a libbpf ring_buffer on it. Records are formatted by their site
// and go to the sink and to the set's channel (the backlog the API
// replays). Once a second it reads each set's per-CPU drop counter
// `bw_log_drops` and logs one warning per set whose count grew.
// Thread-safe.
#ifndef BPFWARDEN_DAEMON_CORE_BPF_LOG_HUB_H_
#define BPFWARDEN_DAEMON_CORE_BPF_LOG_HUB_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/bpf_log_channel.h"
#include "daemon/core/bpf_log_sink.h"
#include "daemon/core/log_sites.h"

struct bpf_object;

namespace bpfwarden {

struct BpfLogHubOptions {
  size_t backlog = 1000;  // records kept per set for new readers
  // Where records are written; StderrBpfLogSink when null.
  std::unique_ptr<BpfLogSink> sink;
};

class BpfLogHub {
 public:
  static absl::StatusOr<std::unique_ptr<BpfLogHub>> Create(
      BpfLogHubOptions options);
  BpfLogHub(const BpfLogHub&) = delete;
  BpfLogHub& operator=(const BpfLogHub&) = delete;
  // Stops the thread; every set's reader goes, with its FDs.
  ~BpfLogHub();

  // Reads set `set`'s records from `obj`'s `bw_log` map (nothing to do when
  // it has none), replacing the reader of a set of that name (a reload);
  // the channel and its backlog stay across a replace.
  absl::Status Add(const std::string& set, const bpf_object* obj,
                   std::shared_ptr<const LogSites> sites)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Stops reading set `set`: its ring_buffer, epoll registration and FDs
  // are gone when this returns; its channel is closed.
  void Remove(const std::string& set) ABSL_LOCKS_EXCLUDED(mu_);

  // The channel of `set`; NotFound when the set logs nothing (no bw_log).
  absl::StatusOr<std::shared_ptr<BpfLogChannel>> Channel(
      absl::string_view set) const ABSL_LOCKS_EXCLUDED(mu_);
  // Records dropped so far (ring full), by set, read now from the kernel.
  std::map<std::string, uint64_t> Drops() const ABSL_LOCKS_EXCLUDED(mu_);
  // Records read so far, by set.
  std::map<std::string, uint64_t> Received() const ABSL_LOCKS_EXCLUDED(mu_);
  // Sets read now (for tests: none after every set is removed).
  size_t Readers() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Reader;  // bpf_log_hub.cc
  BpfLogHub(BpfLogHubOptions options, UniqueFd epoll, UniqueFd wake);
  void Run();
  void ConsumeReady(uint64_t key) ABSL_LOCKS_EXCLUDED(mu_);
  void WarnDrops() ABSL_LOCKS_EXCLUDED(mu_);
  static int OnRecord(void* ctx, void* data, size_t size);

  const size_t backlog_;
  const std::unique_ptr<BpfLogSink> sink_;
  const UniqueFd epoll_;
  const UniqueFd wake_;  // eventfd: stop
  mutable absl::Mutex mu_;
  uint64_t next_key_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, std::unique_ptr<Reader>> readers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t, std::less<>> keys_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_BPF_LOG_HUB_H_
