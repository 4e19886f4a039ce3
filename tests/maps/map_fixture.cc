#include "tests/maps/map_fixture.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "daemon/btf/btf_cache.h"
#include "daemon/btf/btf_types.h"
#include "tests/testing/kernel_env.h"

namespace bpfwarden::testing {
namespace {

std::string TestTag() {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  return absl::StrCat("maps-", info->name());
}

}  // namespace

void MapTest::SetUp() {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = ScopedPinDir::Create(TestTag());
  ASSERT_TRUE(pins.ok()) << pins.status();
  pins_.emplace(*std::move(pins));
  pin_dir_path_ = pins_->path();
  auto cgroup = ScopedCgroup::Create(TestTag());
  ASSERT_TRUE(cgroup.ok()) << cgroup.status();
  cgroup_.emplace(*std::move(cgroup));
  cgroup_path_ = cgroup_->path();

  btf_.reset(btf__new_empty());
  ASSERT_NE(btf_, nullptr);
  btf* b = btf_.get();
  ids_.u32 = btf__add_int(b, "unsigned int", 4, 0);
  const int u8 = btf__add_int(b, "unsigned char", 1, 0);
  const int u64 = btf__add_int(b, "unsigned long long", 8, 0);
  const int s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
  const int chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
  const int u8_typedef = btf__add_typedef(b, "__u8", u8);
  const int addr = btf__add_array(b, ids_.u32, u8_typedef, 16);
  const int name = btf__add_array(b, ids_.u32, chr, 8);
  ids_.flow_key = btf__add_struct(b, "flow_key", 20);
  btf__add_field(b, "id", ids_.u32, 0, 0);
  btf__add_field(b, "addr", addr, 32, 0);
  ids_.flow_value = btf__add_struct(b, "flow_value", 24);
  btf__add_field(b, "packets", u64, 0, 0);
  btf__add_field(b, "delta", s32, 64, 0);
  btf__add_field(b, "name", name, 96, 0);
  ids_.lpm_key = btf__add_struct(b, "lpm_key", 20);
  btf__add_field(b, "prefixlen", ids_.u32, 0, 0);
  btf__add_field(b, "addr", addr, 32, 0);
  const int ptr = btf__add_ptr(b, ids_.u32);
  ids_.ptr_value = btf__add_struct(b, "ptr_value", 24);
  btf__add_field(b, "n", u64, 0, 0);
  btf__add_field(b, "p", ptr, 64, 0);
  btf__add_field(b, "m", u64, 128, 0);
  // The IP-address tags go into the kernel where it has decl tags (5.16);
  // before, they are added after the load, as libbpf's sanitized loads
  // leave an object, and the maps are opened with the local BTF answering
  // for the kernel's (BtfCache::AddLoadedObject), as the daemon does.
  kernel_decl_tags_ = KernelHasDeclTags();
  if (kernel_decl_tags_) AddIpAddrTags();
  ASSERT_EQ(btf__load_into_kernel(b), 0)
      << "load test BTF: " << std::strerror(errno);
  if (!kernel_decl_tags_) AddIpAddrTags();
}

void MapTest::AddIpAddrTags() {
  ASSERT_GT(btf__add_decl_tag(btf_.get(), kIpAddrTag, ids_.flow_key, 1), 0);
  ASSERT_GT(btf__add_decl_tag(btf_.get(), kIpAddrTag, ids_.lpm_key, 1), 0);
}


void MapTest::TearDown() {
  pins_.reset();
  cgroup_.reset();
  // No residue: the pin directory and the cgroup are gone.
  if (!pin_dir_path_.empty()) {
    EXPECT_FALSE(std::filesystem::exists(pin_dir_path_)) << pin_dir_path_;
  }
  if (!cgroup_path_.empty()) {
    EXPECT_FALSE(std::filesystem::exists(cgroup_path_)) << cgroup_path_;
  }
}

absl::StatusOr<TypedMap> MapTest::Create(const std::string& name,
                                         const MapSpec& spec) {
  LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = spec.flags);
  if (spec.with_btf) {
    opts.btf_fd = btf__fd(btf_.get());
    opts.btf_key_type_id = spec.key_type;
    opts.btf_value_type_id = spec.value_type;
  }
  UniqueFd created(bpf_map_create(spec.type, name.c_str(), spec.key_size,
                                  spec.value_size, spec.max_entries, &opts));
  if (!created.valid()) {
    return ErrnoStatus(errno, absl::StrCat("bpf_map_create ", name));
  }
  const std::string pin = absl::StrCat(pins_->path(), "/", name);
  if (bpf_obj_pin(created.get(), pin.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("pin ", pin));
  }
  UniqueFd opened(bpf_obj_get(pin.c_str()));
  if (!opened.valid()) return ErrnoStatus(errno, absl::StrCat("open ", pin));
  BtfCache cache;
  if (!kernel_decl_tags_) cache.AddLoadedObject(btf_.get());
  return TypedMap::Open(std::move(opened), absl::StrCat("test/", name), cache);
}

MapSpec MapTest::FlowHash(bpf_map_type type, uint32_t max_entries) const {
  MapSpec spec;
  spec.type = type;
  spec.key_type = ids_.flow_key;
  spec.value_type = ids_.flow_value;
  spec.max_entries = max_entries;
  return spec;
}

MapSpec MapTest::Lpm(uint32_t max_entries) const {
  MapSpec spec;
  spec.type = BPF_MAP_TYPE_LPM_TRIE;
  spec.key_type = ids_.lpm_key;
  spec.value_type = ids_.flow_value;
  spec.max_entries = max_entries;
  spec.flags = BPF_F_NO_PREALLOC;
  return spec;
}

MapSpec MapTest::U32Array(uint32_t max_entries) const {
  MapSpec spec;
  spec.type = BPF_MAP_TYPE_ARRAY;
  spec.key_type = ids_.u32;
  spec.value_type = ids_.flow_value;
  spec.key_size = 4;
  spec.max_entries = max_entries;
  return spec;
}

}  // namespace bpfwarden::testing
