// Kernel-test fixture for daemon/maps: BTF built in memory and loaded into
// the kernel, maps created with it, pinned in the test's own bpffs
// directory and opened as TypedMap from the pin (as the daemon would).
#ifndef BPFWARDEN_TESTS_MAPS_MAP_FIXTURE_H_
#define BPFWARDEN_TESTS_MAPS_MAP_FIXTURE_H_

#include <linux/bpf.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/maps/typed_map.h"
#include "gtest/gtest.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"

namespace bpfwarden::testing {

// struct flow_key { __u32 id; __u8 addr[16] (ip_addr); }          20 bytes
// struct flow_value { __u64 packets; __s32 delta; char name[8]; }  24 bytes
// struct lpm_key { __u32 prefixlen; __u8 addr[16] (ip_addr); }    20 bytes
// __u32 (array indexes)
struct TestBtfIds {
  int u32 = 0;
  int flow_key = 0;
  int flow_value = 0;
  int lpm_key = 0;
  int ptr_value = 0;  // struct ptr_value { __u64 n; __u32 *p; __u64 m; }
};

struct MapSpec {
  bpf_map_type type = BPF_MAP_TYPE_HASH;
  int key_type = 0;    // a TestBtfIds id; 0: no BTF for the key
  int value_type = 0;  // likewise
  uint32_t key_size = 20;
  uint32_t value_size = 24;
  uint32_t max_entries = 64;
  uint32_t flags = 0;
  bool with_btf = true;  // false: a map with no BTF at all
};

class MapTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Creates the map, pins it as <pin dir>/<name>, and opens it from the pin.
  absl::StatusOr<TypedMap> Create(const std::string& name, const MapSpec& spec);
  MapSpec FlowHash(bpf_map_type type = BPF_MAP_TYPE_HASH,
                   uint32_t max_entries = 64) const;
  MapSpec Lpm(uint32_t max_entries = 64) const;
  MapSpec U32Array(uint32_t max_entries = 16) const;

  TestBtfIds ids_;
  BtfPtr btf_;
  bool kernel_decl_tags_ = true;  // the tags are in the kernel's copy too
  void AddIpAddrTags();
  std::optional<ScopedPinDir> pins_;
  std::optional<ScopedCgroup> cgroup_;
  std::string pin_dir_path_;
  std::string cgroup_path_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_MAPS_MAP_FIXTURE_H_
