#include "daemon/core/pin_layout.h"

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

// The paths are a contract with the pins and state already on hosts: these
// strings must not change.
TEST(PinLayoutTest, PathsUnderThePinRoot) {
  const PinLayout layout("/sys/fs/bpf/bpfwarden", "/var/lib/bpfwarden");
  EXPECT_EQ(layout.pin_root(), "/sys/fs/bpf/bpfwarden");
  EXPECT_EQ(layout.SetDir("tcp"), "/sys/fs/bpf/bpfwarden/tcp");
  EXPECT_EQ(layout.MapPin("tcp", "tcp_stats"),
            "/sys/fs/bpf/bpfwarden/tcp/tcp_stats");
  EXPECT_EQ(layout.ReplacedMapPin("tcp", "tcp_stats"),
            "/sys/fs/bpf/bpfwarden/tcp/tcp_stats-replaced");
  EXPECT_EQ(layout.LinksDir("tcp"), "/sys/fs/bpf/bpfwarden/tcp/pinned-links");
  EXPECT_EQ(layout.LinkPin("tcp", "att-3f2a9c0d1e4b5a67"),
            "/sys/fs/bpf/bpfwarden/tcp/pinned-links/att-3f2a9c0d1e4b5a67");
}

TEST(PinLayoutTest, PathsUnderTheStateDir) {
  const PinLayout layout("/sys/fs/bpf/bpfwarden", "/var/lib/bpfwarden");
  EXPECT_TRUE(layout.has_state_dir());
  EXPECT_EQ(layout.state_dir(), "/var/lib/bpfwarden");
  EXPECT_EQ(layout.StateFile(), "/var/lib/bpfwarden/state.textproto");
  EXPECT_EQ(layout.CorruptStateFile(),
            "/var/lib/bpfwarden/state.textproto.corrupt");
  EXPECT_EQ(layout.ObjectsDir(), "/var/lib/bpfwarden/objects");
  EXPECT_EQ(layout.SavedObject("tcp", 0),
            "/var/lib/bpfwarden/objects/tcp-0.bpf.o");
  EXPECT_EQ(layout.SavedObject("tcp", 12),
            "/var/lib/bpfwarden/objects/tcp-12.bpf.o");
}

TEST(PinLayoutTest, NoStateDir) {
  EXPECT_FALSE(PinLayout("/sys/fs/bpf/bpfwarden", "").has_state_dir());
}

// Names go in as given: nothing is normalised (a set name is validated
// before it reaches the layout).
TEST(PinLayoutTest, NamesAreNotRewritten) {
  const PinLayout layout("/tmp/pins/root", "/tmp/state");
  EXPECT_EQ(layout.MapPin("a-b_C9", "m"), "/tmp/pins/root/a-b_C9/m");
  EXPECT_EQ(layout.LinkPin("a-b_C9", "att-0"),
            "/tmp/pins/root/a-b_C9/pinned-links/att-0");
}

}  // namespace
}  // namespace bpfwarden
