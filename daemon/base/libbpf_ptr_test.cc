#include "daemon/base/libbpf_ptr.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

TEST(LibbpfPtrTest, BtfIsFreedByOwner) {
  BtfPtr b(btf__new_empty());
  ASSERT_NE(b, nullptr);
  int id = btf__add_int(b.get(), "u32", 4, 0);
  EXPECT_GT(id, 0);
  EXPECT_EQ(btf__type_cnt(b.get()), 2u);
}

TEST(LibbpfPtrTest, OpenMemRefusesNonElf) {
  // Four bytes are not an ELF: libbpf refuses them and returns null.
  static const uint8_t kNotElf[] = {0, 1, 2, 3};
  BpfObjectPtr obj(bpf_object__open_mem(kNotElf, sizeof(kNotElf), nullptr));
  EXPECT_EQ(obj, nullptr);
  EXPECT_NE(errno, 0);
}

}  // namespace
}  // namespace bpfwarden
