// BtfCache on a real kernel: the BTF of a loaded object answers for its
// kernel id, so a tag the kernel's copy lost (libbpf sanitizes decl tags
// for kernels before 5.16) still reaches the codec.
#include "daemon/btf/btf_cache.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "daemon/base/libbpf_ptr.h"
#include "daemon/btf/btf_types.h"
#include "gtest/gtest.h"
#include "tests/testing/kernel_env.h"

namespace bpfwarden::testing {
namespace {

// struct s { int addr; } loaded into the kernel untagged; the local copy
// then gains the IP-address tag on member 0, as a sanitized load leaves it.
TEST(BtfCacheTest, ALoadedObjectsOwnBtfAnswersForItsKernelId) {
  BPFWARDEN_REQUIRE_KERNEL();
  BtfPtr btf(btf__new_empty());
  ASSERT_NE(btf, nullptr);
  const int int_id = btf__add_int(btf.get(), "int", 4, BTF_INT_SIGNED);
  ASSERT_GT(int_id, 0);
  const int struct_id = btf__add_struct(btf.get(), "s", 4);
  ASSERT_GT(struct_id, 0);
  ASSERT_EQ(btf__add_field(btf.get(), "addr", int_id, 0, 0), 0);
  ASSERT_EQ(btf__load_into_kernel(btf.get()), 0) << "load BTF: " << errno;
  ASSERT_GT(btf__add_decl_tag(btf.get(), kIpAddrTag, struct_id, 0), 0);

  bpf_btf_info info{};
  uint32_t len = sizeof(info);
  ASSERT_EQ(bpf_obj_get_info_by_fd(btf__fd(btf.get()), &info, &len), 0);

  BtfCache kernel_only;
  auto from_kernel = kernel_only.Get(info.id);
  ASSERT_TRUE(from_kernel.ok()) << from_kernel.status();
  EXPECT_FALSE((*from_kernel)->MemberHasTag(struct_id, 0, kIpAddrTag));

  BtfCache cache;
  cache.AddLoadedObject(btf.get());
  auto seeded = cache.Get(info.id);
  ASSERT_TRUE(seeded.ok()) << seeded.status();
  EXPECT_TRUE((*seeded)->MemberHasTag(struct_id, 0, kIpAddrTag));
}

// An object whose BTF is not in the kernel adds nothing.
TEST(BtfCacheTest, AnUnloadedBtfAddsNothing) {
  BtfPtr btf(btf__new_empty());
  ASSERT_NE(btf, nullptr);
  BtfCache cache;
  cache.AddLoadedObject(btf.get());
  cache.AddLoadedObject(nullptr);
}

}  // namespace
}  // namespace bpfwarden::testing
