// sd-bus, owned: a connection to systemd's manager and the two questions the
// daemon asks it about a unit (does it exist, which cgroup is it in).
#ifndef BPFWARDEN_DAEMON_SYSTEMD_BUS_H_
#define BPFWARDEN_DAEMON_SYSTEMD_BUS_H_

#include <systemd/sd-bus.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden::systemd {

struct BusDeleter {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
struct BusSlotDeleter {
  void operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }
};
using BusPtr = std::unique_ptr<sd_bus, BusDeleter>;
using BusSlotPtr = std::unique_ptr<sd_bus_slot, BusSlotDeleter>;

// Connects to "system" (the system bus), "user" (the user's), or a D-Bus
// address ("unix:path=/run/dbus/system_bus_socket").
absl::StatusOr<BusPtr> OpenBus(const std::string& which);

struct UnitState {
  std::string active_state;  // "active", "inactive", "activating", ...
  // The unit's cgroup, relative to the cgroup v2 root ("/system.slice/
  // nginx.service"); empty while the unit has none (stopped).
  std::string control_group;
};

// The unit's state. NotFound when systemd knows no such unit (load state
// "not-found"), InvalidArgument for a name that is no unit or a unit type
// without a cgroup (only services, scopes, slices, sockets, mounts and
// swaps have one); Unavailable when the bus fails.
absl::StatusOr<UnitState> QueryUnit(sd_bus* bus, const std::string& unit);

// Manager.Subscribe(), and matches for the signals that tell a unit's state
// changed: PropertiesChanged on units, UnitRemoved and JobRemoved on the
// manager. `on_signal` runs (from sd_bus_process) for each.
absl::Status SubscribeUnitChanges(sd_bus* bus,
                                  sd_bus_message_handler_t on_signal,
                                  void* userdata, BusSlotPtr slots[3]);

}  // namespace bpfwarden::systemd

#endif  // BPFWARDEN_DAEMON_SYSTEMD_BUS_H_
