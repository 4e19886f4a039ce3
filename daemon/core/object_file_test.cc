#include "daemon/core/object_file.h"

#include <elf.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(ObjectFileTest, RefusesNonElf) {
  absl::Status s = CheckBpfElf({"x.o", "hello, world"});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(s.message(), "object x.o: not an ELF file");
}

TEST(ObjectFileTest, RefusesTruncatedHeader) {
  absl::Status s = CheckBpfElf({"x.o", std::string("\x7f"
                                                   "ELF\x02\x01",
                                                   6)});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, "truncated"));
}

TEST(ObjectFileTest, MissingFileIsNotFound) {
  EXPECT_THAT(ReadObjectFile("/nonexistent/x.bpf.o"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(ObjectFileTest, LinkingNothingIsAnError) {
  EXPECT_THAT(LinkObjects({}), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace bpfwarden

namespace bpfwarden {
namespace {

std::string Runfile(const std::string& path) {
  return std::string(std::getenv("TEST_SRCDIR")) + "/" +
         std::getenv("TEST_WORKSPACE") + "/" + path;
}

TEST(ObjectFileTest, LinksTwoRealObjects) {
  auto maps = ReadObjectFile(Runfile("bpf/tcp_stats_maps.bpf.o"));
  auto prog = ReadObjectFile(Runfile("bpf/tcp_stats.bpf.o"));
  ASSERT_TRUE(maps.ok()) << maps.status();
  ASSERT_TRUE(prog.ok()) << prog.status();
  EXPECT_TRUE(CheckBpfElf(*prog).ok());
  auto linked = LinkObjects({*maps, *prog});
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_TRUE(CheckBpfElf({"linked", *linked}).ok());
  // The linked object holds the program's code and the map's definition.
  EXPECT_NE(linked->find("tcp_stats_sockops"), std::string::npos);
  EXPECT_NE(linked->find(".maps"), std::string::npos);
}

TEST(ObjectFileTest, RefusesTruncatedRealObject) {
  auto prog = ReadObjectFile(Runfile("bpf/tcp_stats.bpf.o"));
  ASSERT_TRUE(prog.ok()) << prog.status();
  ObjectInput half{"half.o", prog->bytes.substr(0, prog->bytes.size() / 2)};
  absl::Status s = CheckBpfElf(half);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, "truncated"));
}

}  // namespace
}  // namespace bpfwarden

namespace bpfwarden {
namespace {

// A minimal BPF ELF header whose section table sits at `shoff`.
std::string HeaderWithTableAt(uint64_t shoff, uint16_t shnum) {
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_type = ET_REL;
  eh.e_machine = 247;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shoff = shoff;
  eh.e_shnum = shnum;
  return std::string(reinterpret_cast<const char*>(&eh), sizeof(eh));
}

TEST(ObjectFileTest, SectionTableOffsetNearTwoToThe64DoesNotWrap) {
  // shoff + 4 * 64 wraps to 8 in 64 bits.
  std::string elf = HeaderWithTableAt(~uint64_t{0} - 4 * 64 + 9, 4);
  EXPECT_THAT(CheckBpfElf({"wrap.o", elf}),
              StatusIs(absl::StatusCode::kInvalidArgument, "do not fit"));
}

TEST(ObjectFileTest, SectionOffsetNearTwoToThe64DoesNotWrap) {
  std::string elf = HeaderWithTableAt(sizeof(Elf64_Ehdr), 1);
  Elf64_Shdr sh{};
  sh.sh_type = SHT_PROGBITS;
  sh.sh_offset = ~uint64_t{0} - 15;  // + 32 wraps to 16
  sh.sh_size = 32;
  elf.append(reinterpret_cast<const char*>(&sh), sizeof(sh));
  EXPECT_THAT(CheckBpfElf({"wrap.o", elf}),
              StatusIs(absl::StatusCode::kInvalidArgument, "does not fit"));
}

}  // namespace
}  // namespace bpfwarden
