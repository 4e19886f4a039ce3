// The linked default object on a real kernel: both programs pass the
// verifier (their instruction counts are recorded as test properties where
// the kernel reports them, 5.16 on), and
// every map carries BTF for its key and value, down to the field names and
// the IP-address decl tags the daemon renders by.
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <iostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "bpf/include/btf_tags.h"
#include "bpf/include/tcp_stats.h"
#include "bpf/include/tcp_tune.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/core/kernel_platform.h"
#include "daemon/core/kernel_probes.h"
#include "gtest/gtest.h"
#include "bpfwarden/v1/config.pb.h"
#include "tests/testing/default_object.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/scoped_pin_dir.h"

namespace bpfwarden::testing {
namespace {

// Whether the kernel's bpf_prog_info reaches verified_insns (Linux 5.16):
// the kernel answers with the length of the info it knows.
bool KernelReportsVerifiedInsns(int prog_fd) {
  bpf_prog_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0) return false;
  return len >= offsetof(bpf_prog_info, verified_insns) +
                    sizeof(info.verified_insns);
}

TEST(ObjectTest, BothProgramsVerifyAndReportInstructionCounts) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = ScopedPinDir::Create("bpf-object-progs");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto obj = DefaultObject::Load(*pins);
  ASSERT_TRUE(obj.ok()) << obj.status();
  for (const char* name : {"tcp_stats_sockops", "tcp_tune_sockops"}) {
    auto info = obj->ProgramInfo(name);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->type, BPF_PROG_TYPE_SOCK_OPS) << name;
    EXPECT_NE(info->btf_id, 0u) << name << " has no BTF";
    EXPECT_GT(info->xlated_prog_len, 0u) << name;
    RecordProperty(std::string(name) + "_xlated_bytes",
                   std::to_string(info->xlated_prog_len));
    auto prog = obj->Program(name);
    ASSERT_TRUE(prog.ok()) << prog.status();
    if (!KernelReportsVerifiedInsns(bpf_program__fd(*prog))) {
      // Before 5.16 the kernel has no such field: it stays zero.
      EXPECT_EQ(info->verified_insns, 0u) << name;
      std::cout << name << ": xlated_bytes=" << info->xlated_prog_len
                << " (this kernel does not report verified_insns)\n";
      continue;
    }
    EXPECT_GT(info->verified_insns, 0u) << name;
    RecordProperty(std::string(name) + "_verified_insns",
                   std::to_string(info->verified_insns));
    std::cout << name << ": verified_insns=" << info->verified_insns
              << " xlated_bytes=" << info->xlated_prog_len << "\n";
  }
}

struct ExpectedMap {
  const char* name;
  bpf_map_type type;
  const char* key_type;
  const char* value_type;
  uint32_t key_size;
  uint32_t value_size;
  bool pinned = true;
};

// The kernel's BTF object for the map, from its btf_id.
BtfPtr MapBtf(const bpf_map_info& info) {
  return BtfPtr(btf__load_from_kernel_by_id(info.btf_id));
}

TEST(ObjectTest, EveryMapCarriesKeyAndValueBtf) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = ScopedPinDir::Create("bpf-object-btf");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto obj = DefaultObject::Load(*pins);
  ASSERT_TRUE(obj.ok()) << obj.status();

  const std::vector<ExpectedMap> maps = {
      {"tcp_stats", BPF_MAP_TYPE_LRU_HASH, "tcp_stats_key", "tcp_stats_value",
       sizeof(tcp_stats_key), sizeof(tcp_stats_value)},
      {"tcp_stats_slots", BPF_MAP_TYPE_ARRAY, "__u32", "tcp_stats_slot",
       sizeof(uint32_t), sizeof(tcp_stats_slot)},
      {"tcp_stats_conns", BPF_MAP_TYPE_LRU_HASH, "__u64", "tcp_stats_conn",
       sizeof(uint64_t), sizeof(tcp_stats_conn)},
      {"tcp_tune_rules", BPF_MAP_TYPE_LPM_TRIE, "tcp_tune_key", "tcp_tune_rule",
       sizeof(tcp_tune_key), sizeof(tcp_tune_rule)},
      {"tcp_tune_counters", BPF_MAP_TYPE_HASH, "tcp_tune_counter_key",
       "tcp_tune_counters", sizeof(tcp_tune_counter_key),
       sizeof(tcp_tune_counters)},
      // A connecting socket's rule, from connect(2) to ESTABLISHED only.
      {"tcp_tune_conn", BPF_MAP_TYPE_SK_STORAGE, "int", "tcp_tune_rule",
       sizeof(int), sizeof(tcp_tune_rule)},
  };
  int seen = 0;
  bpf_map* map;
  bpf_object__for_each_map(map, obj->get()) {
    // Not .kconfig and the like, nor the log ring bw_log and its drop
    // counter bw_log_drops (bpf/include/bpfwarden/log.h; tests/logs).
    if (!bpf_map__is_internal(map) &&
        std::string(bpf_map__name(map)).rfind("bw_log", 0) != 0) {
      ++seen;
    }
  }
  EXPECT_EQ(seen, static_cast<int>(maps.size()))
      << "a map was added or removed: update this test";

  for (const ExpectedMap& want : maps) {
    SCOPED_TRACE(want.name);
    auto fd = obj->MapFd(want.name);
    ASSERT_TRUE(fd.ok()) << fd.status();
    bpf_map_info info{};
    uint32_t len = sizeof(info);
    ASSERT_EQ(bpf_obj_get_info_by_fd(*fd, &info, &len), 0);
    EXPECT_EQ(info.type, static_cast<uint32_t>(want.type));
    EXPECT_EQ(info.key_size, want.key_size);
    EXPECT_EQ(info.value_size, want.value_size);
    // Pinned by name under the test's pin root, or not at all.
    EXPECT_EQ(access((pins->path() + "/" + want.name).c_str(), F_OK) == 0,
              want.pinned);
    ASSERT_NE(info.btf_id, 0u);
    ASSERT_NE(info.btf_key_type_id, 0u);
    ASSERT_NE(info.btf_value_type_id, 0u);
    BtfPtr btf = MapBtf(info);
    ASSERT_NE(btf, nullptr);
    const btf_type* key = btf__type_by_id(btf.get(), info.btf_key_type_id);
    const btf_type* value = btf__type_by_id(btf.get(), info.btf_value_type_id);
    ASSERT_NE(key, nullptr);
    ASSERT_NE(value, nullptr);
    EXPECT_STREQ(btf__name_by_offset(btf.get(), key->name_off), want.key_type);
    EXPECT_STREQ(btf__name_by_offset(btf.get(), value->name_off),
                 want.value_type);
    EXPECT_EQ(btf__resolve_size(btf.get(), info.btf_key_type_id),
              want.key_size);
    EXPECT_EQ(btf__resolve_size(btf.get(), info.btf_value_type_id),
              want.value_size);
  }
}

// The offset of global `name` in its DATASEC, and that section's name.
std::pair<std::string, uint32_t> GlobalOffset(const btf* btf,
                                              const char* name) {
  const int var = btf__find_by_name_kind(btf, name, BTF_KIND_VAR);
  for (uint32_t id = 1; var > 0 && id < btf__type_cnt(btf); ++id) {
    const btf_type* t = btf__type_by_id(btf, id);
    if (!btf_is_datasec(t)) continue;
    const btf_var_secinfo* info = btf_var_secinfos(t);
    for (int i = 0; i < btf_vlen(t); ++i) {
      if (info[i].type == static_cast<uint32_t>(var)) {
        return {btf__name_by_offset(btf, t->name_off), info[i].offset};
      }
    }
  }
  return {"", 0};
}

// The flush interval is a read-only global (the daemon's `globals` set it):
// 1000 ms unless the load says otherwise, frozen for the programs.
TEST(ObjectTest, FlushIntervalIsAReadOnlyGlobal) {
  BPFWARDEN_REQUIRE_KERNEL();
  for (const uint32_t interval : {0u, 250u}) {
    SCOPED_TRACE(interval);
    auto pins = ScopedPinDir::Create("bpf-object-rodata");
    ASSERT_TRUE(pins.ok()) << pins.status();
    std::vector<v1::GlobalValue> globals;
    if (interval != 0) {
      globals.emplace_back().set_name("tcp_stats_flush_interval_ms");
      globals.back().set_uint_value(interval);
    }
    auto obj = DefaultObject::Load(*pins, globals);
    ASSERT_TRUE(obj.ok()) << obj.status();
    const auto [section, offset] = GlobalOffset(bpf_object__btf(obj->get()),
                                                "tcp_stats_flush_interval_ms");
    ASSERT_EQ(section, ".rodata");
    bpf_map* rodata = nullptr;
    bpf_map* map;
    bpf_object__for_each_map(map, obj->get()) {
      const std::string name = bpf_map__name(map);
      if (bpf_map__is_internal(map) && name.ends_with(".rodata")) rodata = map;
    }
    ASSERT_NE(rodata, nullptr);
    EXPECT_NE(bpf_map__map_flags(rodata) & BPF_F_RDONLY_PROG, 0u);
    std::vector<uint8_t> bytes(bpf_map__value_size(rodata));
    const uint32_t zero = 0;
    ASSERT_EQ(bpf_map_lookup_elem(bpf_map__fd(rodata), &zero, bytes.data()), 0);
    uint32_t value;
    ASSERT_LE(offset + sizeof(value), bytes.size());
    std::memcpy(&value, bytes.data() + offset, sizeof(value));
    EXPECT_EQ(value, interval != 0 ? interval : TCP_STATS_FLUSH_INTERVAL_MS);
  }
}

// The decl tags on the address fields survive linking and loading.
TEST(ObjectTest, AddressFieldsCarryTheIpAddrTag) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = ScopedPinDir::Create("bpf-object-tags");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto obj = DefaultObject::Load(*pins);
  ASSERT_TRUE(obj.ok()) << obj.status();
  const btf* btf = bpf_object__btf(obj->get());
  ASSERT_NE(btf, nullptr);

  std::vector<std::string> tagged;  // "struct.member"
  for (uint32_t id = 1; id < btf__type_cnt(btf); ++id) {
    const btf_type* t = btf__type_by_id(btf, id);
    if (!btf_is_decl_tag(t)) continue;
    if (std::string(btf__name_by_offset(btf, t->name_off)) !=
        BPFWARDEN_TAG_IP_ADDR) {
      continue;
    }
    const btf_type* target = btf__type_by_id(btf, t->type);
    int member = btf_decl_tag(t)->component_idx;
    ASSERT_TRUE(btf_is_struct(target));
    ASSERT_GE(member, 0);
    ASSERT_LT(member, btf_vlen(target));
    tagged.push_back(
        std::string(btf__name_by_offset(btf, target->name_off)) + "." +
        btf__name_by_offset(btf, btf_members(target)[member].name_off));
  }
  std::sort(tagged.begin(), tagged.end());
  EXPECT_EQ(tagged, (std::vector<std::string>{"tcp_stats_key.remote_addr",
                                              "tcp_tune_key.addr"}));
}

constexpr const char* kSharedHelpers[] = {
    "bpfwarden_peer_of", "bpfwarden_now_ms", "bpfwarden_ms_to_jiffies"};

// The linkage of each shared helper in an object's BTF (-1: no FUNC).
std::vector<int> HelperLinkage(const btf* btf) {
  std::vector<int> out;
  for (const char* name : kSharedHelpers) {
    int id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
    out.push_back(id > 0 ? btf_vlen(btf__type_by_id(btf, id)) : -1);
  }
  return out;
}

// The shared helpers reach both programs through the linker as global
// functions (verified once each), not as copies inlined per file. Kernels
// without cmpxchg (before 5.12) get the no_cmpxchg variant, chosen by the
// daemon's probe: its helpers are static copies, since those kernels verify
// no global function taking a pointer other than the context.
TEST(ObjectTest, SharedHelpersAreLinkedGlobalFunctions) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto pins = ScopedPinDir::Create("bpf-object-link");
  ASSERT_TRUE(pins.ok()) << pins.status();
  auto obj = DefaultObject::Load(*pins);
  ASSERT_TRUE(obj.ok()) << obj.status();
  const btf* btf = bpf_object__btf(obj->get());
  ASSERT_NE(btf, nullptr);
  const bool global = ProbeAtomicCmpxchg().ok();
  for (int linkage : HelperLinkage(btf)) {
    if (global) {
      EXPECT_EQ(linkage, BTF_FUNC_GLOBAL);
    } else {
      EXPECT_NE(linkage, BTF_FUNC_GLOBAL);
    }
  }
  // Each program's kernel BTF lists the functions it was verified with:
  // its own entry point and, where global, the shared helpers it calls.
  for (const char* prog : {"tcp_stats_sockops", "tcp_tune_sockops"}) {
    auto info = obj->ProgramInfo(prog);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_GE(info->nr_func_info, global ? 3u : 1u) << prog;
  }
}

// Both variants as built, whichever this kernel loads: the default one
// links global helpers, the no_cmpxchg one static copies.
TEST(ObjectTest, EachVariantCarriesItsHelperLinkage) {
  for (BuiltinVariant variant :
       {BuiltinVariant::kDefault, BuiltinVariant::kNoCmpxchg}) {
    std::span<const uint8_t> bytes = BuiltinObject(variant);
    BpfObjectPtr obj(
        bpf_object__open_mem(bytes.data(), bytes.size(), nullptr));
    ASSERT_NE(obj, nullptr) << BuiltinVariantName(variant);
    const btf* btf = bpf_object__btf(obj.get());
    ASSERT_NE(btf, nullptr) << BuiltinVariantName(variant);
    for (int linkage : HelperLinkage(btf)) {
      if (variant == BuiltinVariant::kDefault) {
        EXPECT_EQ(linkage, BTF_FUNC_GLOBAL) << BuiltinVariantName(variant);
      } else {
        EXPECT_NE(linkage, BTF_FUNC_GLOBAL) << BuiltinVariantName(variant);
      }
    }
  }
}

}  // namespace
}  // namespace bpfwarden::testing
