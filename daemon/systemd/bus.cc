#include "daemon/systemd/bus.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden::systemd {
namespace {

constexpr char kSystemd[] = "org.freedesktop.systemd1";
constexpr char kManagerPath[] = "/org/freedesktop/systemd1";
constexpr char kManager[] = "org.freedesktop.systemd1.Manager";
constexpr char kUnit[] = "org.freedesktop.systemd1.Unit";

// sd_bus_error, freed on every path.
class BusError {
 public:
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { sd_bus_error_free(&error_); }
  sd_bus_error* get() { return &error_; }
  bool Is(const char* name) const {
    return sd_bus_error_has_name(&error_, name);
  }
  // `what` failed with `r`: the bus's own error text when it has one.
  absl::Status ToStatus(int r, const std::string& what) const {
    if (!sd_bus_error_is_set(&error_)) return ErrnoStatus(-r, what);
    return absl::UnavailableError(
        absl::StrCat(what, ": ", error_.name, ": ", error_.message));
  }

 private:
  sd_bus_error error_ = SD_BUS_ERROR_NULL;
};

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

// The D-Bus interface holding ControlGroup for the unit's type.
absl::StatusOr<const char*> CgroupInterface(const std::string& unit) {
  static constexpr std::pair<const char*, const char*> kTypes[] = {
      {".service", "org.freedesktop.systemd1.Service"},
      {".scope", "org.freedesktop.systemd1.Scope"},
      {".slice", "org.freedesktop.systemd1.Slice"},
      {".socket", "org.freedesktop.systemd1.Socket"},
      {".mount", "org.freedesktop.systemd1.Mount"},
      {".swap", "org.freedesktop.systemd1.Swap"},
  };
  for (const auto& [suffix, iface] : kTypes) {
    if (absl::EndsWith(unit, suffix)) return iface;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unit ", unit,
      ": not a service, scope, slice, socket, mount or swap, so it has no "
      "cgroup to attach to"));
}

absl::StatusOr<std::string> StringProperty(sd_bus* bus, const char* path,
                                           const char* iface,
                                           const char* name) {
  BusError error;
  char* raw = nullptr;
  const int r = sd_bus_get_property_string(bus, kSystemd, path, iface, name,
                                           error.get(), &raw);
  std::unique_ptr<char, FreeDeleter> value(raw);
  if (r < 0)
    return error.ToStatus(r, absl::StrCat("read ", name, " of ", path));
  return std::string(value.get());
}

}  // namespace

absl::StatusOr<BusPtr> OpenBus(const std::string& which) {
  sd_bus* raw = nullptr;
  int r = 0;
  if (which == "system") {
    r = sd_bus_open_system(&raw);
  } else if (which == "user") {
    r = sd_bus_open_user(&raw);
  } else {
    r = sd_bus_new(&raw);
    BusPtr bus(raw);
    if (r >= 0) r = sd_bus_set_address(raw, which.c_str());
    if (r >= 0) r = sd_bus_set_bus_client(raw, 1);
    if (r >= 0) r = sd_bus_start(raw);
    if (r < 0) return ErrnoStatus(-r, absl::StrCat("connect to bus ", which));
    return bus;
  }
  BusPtr bus(raw);
  if (r < 0)
    return ErrnoStatus(-r, absl::StrCat("connect to the ", which, " bus"));
  return bus;
}

absl::StatusOr<UnitState> QueryUnit(sd_bus* bus, const std::string& unit) {
  absl::StatusOr<const char*> iface = CgroupInterface(unit);
  if (!iface.ok()) return iface.status();
  BusError error;
  sd_bus_message* raw = nullptr;
  int r = sd_bus_call_method(bus, kSystemd, kManagerPath, kManager, "LoadUnit",
                             error.get(), &raw, "s", unit.c_str());
  std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(
      raw, &sd_bus_message_unref);
  if (r < 0 && error.Is(SD_BUS_ERROR_INVALID_ARGS)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit ", unit, ": not a valid unit name"));
  }
  if (r < 0) return error.ToStatus(r, absl::StrCat("LoadUnit ", unit));
  const char* path = nullptr;
  if ((r = sd_bus_message_read(reply.get(), "o", &path)) < 0) {
    return ErrnoStatus(-r, absl::StrCat("LoadUnit ", unit, ": reply"));
  }
  absl::StatusOr<std::string> load =
      StringProperty(bus, path, kUnit, "LoadState");
  if (!load.ok()) return load.status();
  if (*load == "not-found") {
    return absl::NotFoundError(absl::StrCat("systemd has no unit ", unit));
  }
  UnitState state;
  absl::StatusOr<std::string> active =
      StringProperty(bus, path, kUnit, "ActiveState");
  if (!active.ok()) return active.status();
  state.active_state = *active;
  absl::StatusOr<std::string> cgroup =
      StringProperty(bus, path, *iface, "ControlGroup");
  if (!cgroup.ok()) return cgroup.status();
  state.control_group = *cgroup;
  return state;
}

absl::Status SubscribeUnitChanges(sd_bus* bus,
                                  sd_bus_message_handler_t on_signal,
                                  void* userdata, BusSlotPtr slots[3]) {
  BusError error;
  int r = sd_bus_call_method(bus, kSystemd, kManagerPath, kManager, "Subscribe",
                             error.get(), nullptr, "");
  if (r < 0) return error.ToStatus(r, "Manager.Subscribe");
  const struct {
    const char* path;
    const char* iface;
    const char* member;
  } kSignals[3] = {
      {nullptr, "org.freedesktop.DBus.Properties", "PropertiesChanged"},
      {kManagerPath, kManager, "UnitRemoved"},
      {kManagerPath, kManager, "JobRemoved"},
  };
  for (int i = 0; i < 3; ++i) {
    sd_bus_slot* slot = nullptr;
    r = sd_bus_match_signal(bus, &slot, kSystemd, kSignals[i].path,
                            kSignals[i].iface, kSignals[i].member, on_signal,
                            userdata);
    if (r < 0) {
      return ErrnoStatus(-r, absl::StrCat("match ", kSignals[i].member));
    }
    slots[i].reset(slot);
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden::systemd
