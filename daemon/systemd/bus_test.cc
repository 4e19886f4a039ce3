// What sd-bus handling can be checked without a systemd: unit names that
// have no cgroup are refused before the bus is asked, and a bus that is not
// there is an error. Against a real systemd: //tests/systemd:unit_attach_test.
#include "daemon/systemd/bus.h"

#include "gtest/gtest.h"

namespace bpfwarden::systemd {
namespace {

TEST(BusTest, UnitTypesWithoutACgroupAreRefusedBeforeAsking) {
  for (const char* unit : {"backup.timer", "local-fs.target", "dev-sda.device",
                           "x.path", "no-suffix"}) {
    absl::StatusOr<UnitState> state = QueryUnit(/*bus=*/nullptr, unit);
    EXPECT_EQ(state.status().code(), absl::StatusCode::kInvalidArgument)
        << unit;
    EXPECT_NE(state.status().message().find("no cgroup"), std::string::npos);
  }
}

TEST(BusTest, AnAddressWithNoBusIsAnError) {
  absl::StatusOr<BusPtr> bus =
      OpenBus("unix:path=/nonexistent/bpfwarden-test-bus");
  EXPECT_FALSE(bus.ok());
  EXPECT_NE(bus.status().message().find("/nonexistent/bpfwarden-test-bus"),
            std::string::npos)
      << bus.status();
}

}  // namespace
}  // namespace bpfwarden::systemd
