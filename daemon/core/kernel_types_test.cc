#include "daemon/core/kernel_types.h"

#include <bpf/libbpf.h>

#include <span>

#include "daemon/base/libbpf_ptr.h"
#include "daemon/core/kernel_platform.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

// The builtin object, opened (not loaded: no kernel needed).
BpfObjectPtr OpenBuiltin() {
  std::span<const uint8_t> bytes = BuiltinObject(BuiltinVariant::kDefault);
  return BpfObjectPtr(
      bpf_object__open_mem(bytes.data(), bytes.size(), nullptr));
}

TypeProbes Lacking(bpf_prog_type prog, bpf_map_type map, int answer = 0) {
  return {.prog = [=](bpf_prog_type t) { return t == prog ? answer : 1; },
          .map = [=](bpf_map_type t) { return t == map ? answer : 1; }};
}

TEST(KernelTypesTest, AKernelWithEveryTypeLoadsOn) {
  BpfObjectPtr obj = OpenBuiltin();
  ASSERT_NE(obj, nullptr);
  EXPECT_TRUE(CheckKernelTypes(
                  "bpfwarden", obj.get(),
                  Lacking(BPF_PROG_TYPE_SYSCALL, BPF_MAP_TYPE_BLOOM_FILTER))
                  .ok());
}

TEST(KernelTypesTest, AMissingProgramTypeIsNamedWithItsLinuxVersion) {
  BpfObjectPtr obj = OpenBuiltin();
  ASSERT_NE(obj, nullptr);
  EXPECT_THAT(
      CheckKernelTypes(
          "bpfwarden", obj.get(),
          Lacking(BPF_PROG_TYPE_SOCK_OPS, BPF_MAP_TYPE_BLOOM_FILTER)),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "needs kernel feature program type sock_ops (Linux 4.13), "
               "which this kernel lacks"));
}

TEST(KernelTypesTest, AMissingMapTypeIsNamedWithItsLinuxVersion) {
  BpfObjectPtr obj = OpenBuiltin();
  ASSERT_NE(obj, nullptr);
  EXPECT_THAT(
      CheckKernelTypes("bpfwarden", obj.get(),
                       Lacking(BPF_PROG_TYPE_SYSCALL, BPF_MAP_TYPE_LRU_HASH)),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "needs kernel feature map type lru_hash (Linux 4.10)"));
}

// A probe that cannot tell (libbpf does not know the type) refuses nothing.
TEST(KernelTypesTest, AnUnansweredProbeRefusesNothing) {
  BpfObjectPtr obj = OpenBuiltin();
  ASSERT_NE(obj, nullptr);
  EXPECT_TRUE(CheckKernelTypes(
                  "bpfwarden", obj.get(),
                  Lacking(BPF_PROG_TYPE_SOCK_OPS, BPF_MAP_TYPE_LRU_HASH, -95))
                  .ok());
}

TEST(KernelTypesTest, VersionsOfTheTypesOlderKernelsLack) {
  EXPECT_STREQ(ProgTypeSince(BPF_PROG_TYPE_SYSCALL), "5.14");
  EXPECT_STREQ(MapTypeSince(BPF_MAP_TYPE_TASK_STORAGE), "5.11");
  EXPECT_STREQ(MapTypeSince(BPF_MAP_TYPE_BLOOM_FILTER), "5.16");
  EXPECT_STREQ(MapTypeSince(BPF_MAP_TYPE_USER_RINGBUF), "6.1");
  EXPECT_STREQ(MapTypeSince(BPF_MAP_TYPE_RINGBUF), "5.8");
  EXPECT_STREQ(ProgTypeSince(BPF_PROG_TYPE_UNSPEC), "");  // not in the table
}

}  // namespace
}  // namespace bpfwarden
