// Attachments by systemd unit: resolves a unit's cgroup over sd-bus, and
// keeps each such attachment on its unit's current cgroup. When the unit
// stops, the attachment waits (Warden::FollowUnit with no cgroup); when it
// starts again, the program is attached to its new cgroup, within a second.
// A lost bus is logged once and reconnected with backoff; attachments stay
// as they are meanwhile.
#ifndef BPFWARDEN_DAEMON_SYSTEMD_UNIT_FOLLOWER_H_
#define BPFWARDEN_DAEMON_SYSTEMD_UNIT_FOLLOWER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/core/warden.h"
#include "daemon/systemd/bus.h"

namespace bpfwarden::systemd {

class UnitFollower {
 public:
  // Called from the following thread with the units whose attachments
  // wait, each time that list changes.
  using WaitingCallback = std::function<void(const std::vector<std::string>&)>;

  // Starts the following thread. `bus`: "system", "user" or an address.
  // It connects only while some attachment names a unit.
  UnitFollower(Warden* warden, std::string bus, WaitingCallback on_waiting);
  UnitFollower(const UnitFollower&) = delete;
  UnitFollower& operator=(const UnitFollower&) = delete;
  ~UnitFollower();  // stops and joins the thread

  // Attachments.Attach for a spec naming a unit: NotFound when systemd has
  // no such unit; otherwise the attachment, on the unit's cgroup when it
  // has one, waiting when not. When attaching to the unit's cgroup fails,
  // nothing is left and the error says why.
  absl::StatusOr<AttachmentInfo> Attach(const v1::Attachment& spec);

  // Look at every unit now (after a reload added some).
  void Poke();

  // The units whose attachments wait, for STATUS=.
  std::vector<std::string> WaitingUnits() const;

 private:
  void Run();  // the thread
  // Serves one connection until it fails, there is nothing to follow, or
  // the follower stops.
  absl::Status Serve(sd_bus* bus);
  // Makes every unit attachment match its unit; an error means the bus.
  absl::Status Sync(sd_bus* bus);
  // The unit's cgroup (absolute) when it has one now, else "".
  absl::StatusOr<std::string> CurrentCgroup(sd_bus* bus,
                                            const std::string& unit) const;
  bool Stopping() const;
  // on_waiting_, when the waiting units changed since the last call.
  void ReportWaiting();
  static int OnSignal(sd_bus_message* m, void* self, sd_bus_error* error);

  Warden* const warden_;
  const WaitingCallback on_waiting_;
  const std::string bus_;
  const std::string cgroup2_mount_;
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool poked_ ABSL_GUARDED_BY(mu_) = false;
  // The thread's own: a signal arrived; the loss is logged and the bus not
  // back yet; the wait before the next connection attempt.
  bool changed_ = false;
  bool lost_ = false;
  std::vector<std::string> waiting_;
  absl::Duration backoff_;
  std::thread thread_;
};

}  // namespace bpfwarden::systemd

#endif  // BPFWARDEN_DAEMON_SYSTEMD_UNIT_FOLLOWER_H_
