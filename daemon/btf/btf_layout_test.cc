#include "daemon/btf/btf_layout.h"

#include <memory>

#include "daemon/base/libbpf_ptr.h"
#include "gtest/gtest.h"

namespace bpfwarden {
namespace {

// struct value { u64 a; u32 b; u32 c; } built by hand, with knobs for the
// differences under test.
struct Layout {
  const char* struct_name = "value";
  const char* b_name = "b";
  int b_offset_bits = 64;
  int b_size = 4;
  bool extra_member = false;
  bool via_typedef = false;
};

uint32_t Build(btf* b, const Layout& l) {
  int u64 = btf__add_int(b, "unsigned long long", 8, 0);
  int u32 = btf__add_int(b, "unsigned int", 4, 0);
  int bt = l.b_size == 4 ? u32 : u64;
  if (l.via_typedef) bt = btf__add_typedef(b, "__u32", bt);
  int size = 16 + (l.b_size - 4) + (l.extra_member ? 8 : 0);
  int id = btf__add_struct(b, l.struct_name, size);
  btf__add_field(b, "a", u64, 0, 0);
  btf__add_field(b, l.b_name, bt, l.b_offset_bits, 0);
  btf__add_field(b, "c", u32, l.b_offset_bits + l.b_size * 8, 0);
  if (l.extra_member) btf__add_field(b, "d", u64, 128, 0);
  return id;
}

std::string Diff(const Layout& old_layout, const Layout& new_layout) {
  BtfPtr ob(btf__new_empty()), nb(btf__new_empty());
  uint32_t oid = Build(ob.get(), old_layout);
  uint32_t nid = Build(nb.get(), new_layout);
  return DescribeLayoutDifference(ob.get(), oid, nb.get(), nid);
}

TEST(BtfLayoutTest, SameLayoutMatches) {
  EXPECT_EQ(Diff({}, {}), "");
  // A typedef around the same int is the same layout.
  EXPECT_EQ(Diff({}, {.via_typedef = true}), "");
}

TEST(BtfLayoutTest, RenamedMember) {
  EXPECT_EQ(Diff({}, {.b_name = "bee"}),
            "struct value: member 1 (b): named b in the pinned map, bee in "
            "the object");
}

TEST(BtfLayoutTest, WiderMember) {
  std::string d = Diff({}, {.b_size = 8});
  EXPECT_EQ(d,
            "struct value: member 1 (b): size 4 in the pinned map, 8 in the "
            "object");
}

TEST(BtfLayoutTest, AddedMember) {
  EXPECT_EQ(
      Diff({}, {.extra_member = true}),
      "struct value: 3 members in the pinned map, 4 in the object (added: d)");
}

TEST(BtfLayoutTest, RenamedStruct) {
  EXPECT_EQ(Diff({}, {.struct_name = "other"}),
            "struct value: struct value in the pinned map, struct other in "
            "the object");
}

}  // namespace
}  // namespace bpfwarden
