#include "daemon/base/libbpf_ptr.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

// (That each pointer frees what it owns is checked by every test that
// uses one, under ASan's leak checker in tools/test.)

TEST(LibbpfPtrTest, OpenMemRefusesNonElf) {
  // Four bytes are not an ELF: libbpf refuses them and returns null.
  static const uint8_t kNotElf[] = {0, 1, 2, 3};
  BpfObjectPtr obj(bpf_object__open_mem(kNotElf, sizeof(kNotElf), nullptr));
  EXPECT_EQ(obj, nullptr);
  EXPECT_NE(errno, 0);
}

}  // namespace
}  // namespace bpfwarden
