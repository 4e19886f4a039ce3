#include "daemon/systemd/unit_follower.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/log.h"
#include "daemon/core/cgroup.h"

namespace bpfwarden::systemd {
namespace {

// How long the thread sleeps on the bus between looks when no signal
// comes, and the backoff bounds for reconnecting.
constexpr uint64_t kWaitUsec = 250 * 1000;
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(10);

bool HasCgroupNow(const std::string& active_state) {
  return active_state == "active" || active_state == "activating" ||
         active_state == "reloading" || active_state == "deactivating";
}

}  // namespace

UnitFollower::UnitFollower(Warden* warden, std::string bus,
                           WaitingCallback on_waiting)
    : warden_(warden),
      on_waiting_(std::move(on_waiting)),
      bus_(std::move(bus)),
      cgroup2_mount_(FindCgroup2Mount().value_or("")),
      backoff_(kFirstBackoff),
      thread_([this] { Run(); }) {}

UnitFollower::~UnitFollower() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void UnitFollower::Poke() {
  absl::MutexLock lock(&mu_);
  poked_ = true;
}

bool UnitFollower::Stopping() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

std::vector<std::string> UnitFollower::WaitingUnits() const {
  std::vector<std::string> units;
  for (const AttachmentInfo& a : warden_->UnitAttachments()) {
    if (a.waiting) units.push_back(a.unit);
  }
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  return units;
}

absl::StatusOr<std::string> UnitFollower::CurrentCgroup(
    sd_bus* bus, const std::string& unit) const {
  absl::StatusOr<UnitState> state = QueryUnit(bus, unit);
  if (!state.ok()) return state.status();
  if (state->control_group.empty() || !HasCgroupNow(state->active_state)) {
    return std::string();
  }
  const std::string path = cgroup2_mount_ + state->control_group;
  if (!CgroupId(path).ok()) return std::string();  // gone meanwhile
  return path;
}

absl::StatusOr<AttachmentInfo> UnitFollower::Attach(
    const v1::Attachment& spec) {
  absl::StatusOr<BusPtr> bus = OpenBus(bus_);
  if (!bus.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot ask systemd for unit ",
                                               spec.unit(), ": ",
                                               bus.status().message()));
  }
  absl::StatusOr<std::string> cgroup = CurrentCgroup(bus->get(), spec.unit());
  if (!cgroup.ok()) return cgroup.status();
  absl::StatusOr<AttachmentInfo> info = warden_->Attach(spec);
  if (!info.ok() || cgroup->empty()) {
    Poke();
    return info;
  }
  absl::StatusOr<AttachmentInfo> followed =
      warden_->FollowUnit(info->id, *cgroup);
  if (!followed.ok()) {
    // Refused as a whole: a client that gets an error has nothing waiting.
    warden_->Detach(info->id).IgnoreError();
    return followed.status();
  }
  Poke();
  return followed;
}

absl::Status UnitFollower::Sync(sd_bus* bus) {
  for (const AttachmentInfo& a : warden_->UnitAttachments()) {
    absl::StatusOr<std::string> cgroup = CurrentCgroup(bus, a.unit);
    if (!cgroup.ok()) {
      if (!absl::IsNotFound(cgroup.status()) &&
          !absl::IsInvalidArgument(cgroup.status())) {
        return cgroup.status();  // the bus
      }
      cgroup = std::string();  // no such unit (any more): wait for it
    }
    bool follow = false;
    if (cgroup->empty()) {
      follow = !a.waiting;
    } else {
      absl::StatusOr<uint64_t> id = CgroupId(*cgroup);
      follow = a.waiting || !id.ok() || *id != a.cgroup_id;
    }
    if (!follow) continue;
    absl::StatusOr<AttachmentInfo> now = warden_->FollowUnit(a.id, *cgroup);
    if (!now.ok()) {
      BPFWARDEN_LOG(WARNING)
          << "following unit " << a.unit << ": " << now.status();
    } else if (now->waiting) {
      BPFWARDEN_LOG(INFO) << a.program_set << "/" << a.program
                          << " waits for unit " << a.unit << " to start";
    }
  }
  return absl::OkStatus();
}

void UnitFollower::ReportWaiting() {
  std::vector<std::string> now = WaitingUnits();
  if (now == waiting_) return;
  waiting_ = std::move(now);
  if (on_waiting_) on_waiting_(waiting_);
}

int UnitFollower::OnSignal(sd_bus_message*, void* self, sd_bus_error*) {
  static_cast<UnitFollower*>(self)->changed_ = true;
  return 0;
}

absl::Status UnitFollower::Serve(sd_bus* bus) {
  BusSlotPtr slots[3];
  if (absl::Status s = SubscribeUnitChanges(bus, &OnSignal, this, slots);
      !s.ok()) {
    return s;
  }
  if (lost_) BPFWARDEN_LOG(INFO) << "systemd bus " << bus_ << " is back";
  lost_ = false;
  backoff_ = kFirstBackoff;
  changed_ = true;
  while (!Stopping()) {
    const int r = sd_bus_process(bus, nullptr);
    if (r < 0) return ErrnoStatus(-r, "sd_bus_process");
    if (r > 0) continue;  // drain first, then look
    bool poked = false;
    {
      absl::MutexLock lock(&mu_);
      std::swap(poked, poked_);
    }
    if (changed_ || poked) {
      changed_ = false;
      if (absl::Status s = Sync(bus); !s.ok()) return s;
      ReportWaiting();
    }
    if (warden_->UnitAttachments().empty()) return absl::OkStatus();
    if (const int w = sd_bus_wait(bus, kWaitUsec); w < 0) {
      return ErrnoStatus(-w, "sd_bus_wait");
    }
  }
  return absl::OkStatus();
}

void UnitFollower::Run() {
  while (!Stopping()) {
    if (warden_->UnitAttachments().empty()) {
      ReportWaiting();  // the last one may just have been detached
      absl::MutexLock lock(&mu_);
      const auto woken = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return stop_ || poked_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&woken), absl::Milliseconds(500));
      poked_ = false;
      continue;
    }
    absl::StatusOr<BusPtr> bus = OpenBus(bus_);
    absl::Status s = bus.ok() ? Serve(bus->get()) : bus.status();
    if (s.ok()) continue;
    if (!lost_) {
      BPFWARDEN_LOG(WARNING) << "systemd bus " << bus_ << " lost (" << s
                             << "); attachments stay as they are, "
                                "reconnecting with backoff";
      lost_ = true;
    }
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](bool* b) { return *b; }, &stop_),
                         backoff_);
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  }
}

}  // namespace bpfwarden::systemd
