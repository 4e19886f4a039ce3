#include "daemon/metrics/field_path.h"

#include <cstring>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bpfwarden::metrics {
namespace {

using ::testing::HasSubstr;

TypeLayout Scalar(std::string name, FieldKind kind, uint32_t offset,
                  uint32_t size, bool is_signed = false) {
  TypeLayout f;
  f.name = std::move(name);
  f.type_name = "t";
  f.kind = kind;
  f.offset = offset;
  f.size = size;
  f.is_signed = is_signed;
  return f;
}

// struct { __u16 port; __s32 delta; struct { __u64 bytes; } io;
//          __u32 hist[4]; __u8 addr[16] (ip); __u32 flags:3, level:5; }
TypeLayout Root() {
  TypeLayout root = Scalar("value", FieldKind::kStruct, 0, 48);
  root.type_name = "struct v";
  root.fields.push_back(Scalar("port", FieldKind::kInt, 0, 2));
  root.fields.push_back(Scalar("delta", FieldKind::kInt, 4, 4, true));
  TypeLayout io = Scalar("io", FieldKind::kStruct, 8, 8);
  io.type_name = "struct io";
  io.fields.push_back(Scalar("bytes", FieldKind::kInt, 0, 8));
  root.fields.push_back(io);
  TypeLayout hist = Scalar("hist", FieldKind::kArray, 16, 16);
  hist.array_length = 4;
  hist.fields.push_back(Scalar("[]", FieldKind::kInt, 0, 4));
  root.fields.push_back(hist);
  root.fields.push_back(Scalar("addr", FieldKind::kIpAddr, 32, 16));
  TypeLayout level = Scalar("level", FieldKind::kInt, 44, 4);
  level.bit_offset = 44 * 8 + 3;
  level.bit_size = 5;
  root.fields.push_back(level);
  return root;
}

TEST(FieldPathTest, FindsMembersNestedAndIndexed) {
  const TypeLayout root = Root();
  absl::StatusOr<FieldRef> bytes_or = FindField(root, "io.bytes");
  ASSERT_TRUE(bytes_or.ok()) << bytes_or.status();
  const FieldRef& bytes = *bytes_or;
  EXPECT_EQ(bytes.offset, 8u);
  EXPECT_EQ(bytes.size, 8u);
  absl::StatusOr<FieldRef> h2_or = FindField(root, "hist[2]");
  ASSERT_TRUE(h2_or.ok()) << h2_or.status();
  const FieldRef& h2 = *h2_or;
  EXPECT_EQ(h2.offset, 24u);
  EXPECT_TRUE(IsNumeric(h2));
  absl::StatusOr<FieldRef> addr_or = FindField(root, "addr");
  ASSERT_TRUE(addr_or.ok()) << addr_or.status();
  const FieldRef& addr = *addr_or;
  EXPECT_FALSE(IsNumeric(addr));
  EXPECT_TRUE(IsScalar(addr));
  absl::StatusOr<FieldRef> hist_or = FindField(root, "hist");
  ASSERT_TRUE(hist_or.ok()) << hist_or.status();
  const FieldRef& hist = *hist_or;
  EXPECT_FALSE(IsScalar(hist));
}

TEST(FieldPathTest, MissingPathsNameThePathAndTheMembers) {
  const TypeLayout root = Root();
  absl::StatusOr<FieldRef> missing = FindField(root, "io.bytez");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("\"io.bytez\""));
  EXPECT_THAT(missing.status().message(), HasSubstr("its members: bytes"));
  EXPECT_THAT(FindField(root, "hist[4]").status().message(),
              HasSubstr("past the end"));
  EXPECT_THAT(FindField(root, "port.x").status().message(),
              HasSubstr("has no member"));
  EXPECT_THAT(FindField(root, "io[1]").status().message(),
              HasSubstr("not an array"));
  EXPECT_FALSE(FindField(root, "").ok());
  EXPECT_FALSE(FindField(root, "io.").ok());
}

TEST(FieldPathTest, ReadsNumbersSignedAndBitfields) {
  const TypeLayout root = Root();
  uint8_t bytes[48] = {};
  const uint16_t port = 443;
  const int32_t delta = -7;
  const uint64_t io = 1ull << 40;
  std::memcpy(bytes, &port, 2);
  std::memcpy(bytes + 4, &delta, 4);
  std::memcpy(bytes + 8, &io, 8);
  bytes[44] = (21 << 3) | 0x5;  // level = 21, neighbour bits set
  EXPECT_EQ(ReadNumber(*FindField(root, "port"), bytes), 443);
  EXPECT_EQ(ReadNumber(*FindField(root, "delta"), bytes), -7);
  EXPECT_EQ(ReadNumber(*FindField(root, "io.bytes"), bytes), 1099511627776.0);
  const FieldRef level = *FindField(root, "level");
  EXPECT_EQ(ReadNumber(level, bytes), 21);
  uint8_t copy[48] = {};
  CopyField(level, bytes, copy);
  EXPECT_EQ(copy[44], 21 << 3);  // the neighbour bits are not copied
}

TEST(FieldPathTest, LabelTextIsTheCodecsRendering) {
  const TypeLayout root = Root();
  Json json = {{"port", 443},
               {"addr", "10.1.2.3"},
               {"hist", {1, 2, 3, 4}},
               {"io", {{"bytes", 5}}}};
  EXPECT_EQ(LabelText(*FindField(root, "addr"), json), "10.1.2.3");
  EXPECT_EQ(LabelText(*FindField(root, "port"), json), "443");
  EXPECT_EQ(LabelText(*FindField(root, "hist[3]"), json), "4");
}

}  // namespace
}  // namespace bpfwarden::metrics
