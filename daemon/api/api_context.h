// What every API service shares: the core, the policy, the peers' identities
// and the limits. Maps are opened through the core (Warden::OpenMap), which
// holds one shared handle per map of a loaded set.
#ifndef BPFWARDEN_DAEMON_API_API_CONTEXT_H_
#define BPFWARDEN_DAEMON_API_API_CONTEXT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/api/denial_limit.h"
#include "daemon/api/peer_registry.h"
#include "daemon/api/stream_slots.h"
#include "daemon/base/task_queue.h"
#include "daemon/base/notifier.h"
#include "daemon/base/work_pool.h"
#include "daemon/core/warden.h"
#include "daemon/maps/map_watch_hub.h"
#include "daemon/metrics/api_stats.h"
#include "daemon/policy/audit.h"
#include "daemon/policy/identity.h"
#include "daemon/policy/policy.h"
#include "grpcpp/server_context.h"

namespace bpfwarden::api {

struct ApiLimits {
  size_t max_batch = 1024;              // entries per Update/Delete request
  uint32_t default_page = 256;          // Dump entries per page when not asked
  uint32_t max_page = 4096;             // Dump entries per page at most
  size_t max_message_bytes = 16 << 20;  // requests and responses
  // Server streams (Dump, Watch, Tail) at once: overall and per principal
  // (uid or certificate).
  size_t max_streams = 32;
  size_t max_streams_per_principal = 8;
  // The daemon's own threads for calls that may block long (Load, Unload,
  // Attach, Detach), and how many such calls may wait for one.
  int admin_threads = 2;
  size_t max_admin_waiting = 16;
};

// Attachments.Attach for a spec that names a systemd unit.
using UnitAttacher =
    std::function<absl::StatusOr<AttachmentInfo>(const v1::Attachment&)>;

class ApiContext {
 public:
  ApiContext(Warden* warden, ApiLimits limits, policy::Policy policy);

  Warden& warden() const { return *warden_; }
  PeerRegistry& peers() { return peers_; }
  StreamSlots& streams() { return streams_; }
  // The shared dumps behind Maps.Watch.
  MapWatchHub& watches() { return watches_; }
  // Threads that share a long loop of one call (a batch lookup's keys).
  WorkPool& work() { return work_; }
  // Where Dump pages are read and encoded, off gRPC's threads (a stream
  // has at most one page being made, so it never waits for more than the
  // streams allowed).
  TaskQueue& pages() { return pages_; }
  // Where ADMIN calls run, off gRPC's threads (see ApiLimits).
  TaskQueue& admin() { return admin_; }
  const ApiLimits& limits() const { return limits_; }
  absl::Time started() const { return started_; }

  // Set once, before serving.
  void SetUnitAttacher(UnitAttacher attach) {
    attach_unit_ = std::move(attach);
  }
  const UnitAttacher& attach_unit() const { return attach_unit_; }
  // Set once, before serving; null: denials are not counted.
  void SetStats(metrics::ApiStats* stats) { stats_ = stats; }

  // Replaces the policy, then tells the OnPolicyChange listeners.
  void SetPolicy(policy::Policy policy);
  // While the listener lives, `changed` runs after every SetPolicy (on the
  // reloading thread): long calls re-check their grant (StreamGrant).
  std::unique_ptr<Notifier::Listener> OnPolicyChange(
      std::function<void()> changed) {
    return policy_changes_.Listen(std::move(changed));
  }
  std::shared_ptr<const policy::Policy> policy() const;

  // The caller's identity, or Unauthenticated.
  absl::StatusOr<policy::Identity> Caller(
      const grpc::ServerContextBase& ctx) const;

  // The caller, if it may perform `op` on `what`. Denials (and unknown
  // callers) are audited, with `keys` when the call names keys, and come
  // back as PERMISSION_DENIED naming `method` and `what`.
  absl::StatusOr<policy::Identity> Authorize(
      const grpc::ServerContextBase& ctx, policy::Operation op,
      const policy::Resource& what, absl::string_view method,
      const std::string& keys = "") const;

  // Whether the caller may `op` on `what` (for filtering lists).
  bool Allows(const policy::Identity& who, policy::Operation op,
              const policy::Resource& what) const;

 private:
  Warden* const warden_;
  const ApiLimits limits_;
  const absl::Time started_;
  PeerRegistry peers_;
  // Denial records per principal (Authorize is const: the limit is not
  // part of the context's state).
  mutable DenialLimit denials_;
  StreamSlots streams_;
  MapWatchHub watches_;
  WorkPool work_{WorkPool::DefaultThreads()};
  UnitAttacher attach_unit_;
  metrics::ApiStats* stats_ = nullptr;

  mutable absl::Mutex mu_;
  std::shared_ptr<const policy::Policy> policy_ ABSL_GUARDED_BY(mu_);
  Notifier policy_changes_;

  // Last: destroyed first, running what still waits while the rest lives.
  TaskQueue pages_;
  TaskQueue admin_;
};

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_API_CONTEXT_H_
