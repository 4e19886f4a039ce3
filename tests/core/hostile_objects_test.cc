// Hostile objects an ADMIN of one set could upload (issue 14): each is a
// built object edited in the test, and each is refused with a clear error,
// leaving no pins and leaving other sets' pins alone.
#include <string>

#include "daemon/core/core_types.h"
#include "daemon/core/warden.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/core_testing.h"
#include "tests/core/warden_fixture.h"
#include "tests/testing/elf_patch.h"
#include "tests/testing/files.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::PinsUnder;
using ::bpfwarden::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kObject[] = "tests/core/core_pin_names.bpf.o";

class HostileObjectsTest : public testing::WardenFixture {
 protected:
  // Renames map `from` in the BTF and in the symbol table, as a compiler
  // given that name would have.
  static void RenameMap(std::string* elf, absl::string_view from,
                        absl::string_view to) {
    ASSERT_TRUE(testing::ReplaceString(elf, ".BTF", from, to).ok());
    ASSERT_TRUE(testing::ReplaceString(elf, ".strtab", from, to).ok());
  }

  std::string Object() {
    std::string elf = testing::ReadFile(testing::Runfile(kObject));
    EXPECT_FALSE(elf.empty());
    return elf;
  }

  absl::StatusOr<ProgramSetInfo> LoadBlob(
      const std::string& name, const std::string& elf, bool pin_all_maps,
      const v1::GlobalValue* global = nullptr) {
    v1::ProgramSet spec;
    spec.set_name(name);
    spec.set_pin_all_maps(pin_all_maps);
    if (global != nullptr) *spec.add_globals() = *global;
    LoadOptions options;
    options.object_blobs.push_back(elf);
    return warden_->Load(spec, options);
  }
};

// Before the fix, set "a" reused set "v"'s map through "a/../v/target", and
// unloading "a" with its maps unpinned removed "v"'s pin.
TEST_F(HostileObjectsTest, MapNameLeavingTheSetDirectoryIsRefused) {
  ASSERT_TRUE(LoadBlob("v", Object(), /*pin_all_maps=*/true).ok());
  const std::string victim = SetDir("v") + "/target";
  ASSERT_THAT(PinsUnder(SetDir("v")),
              ElementsAre(SetDir("v") + "/aaaaaaaaaaa", victim));

  std::string elf = Object();
  RenameMap(&elf, "aaaaaaaaaaa", "../v/target");
  EXPECT_THAT(LoadBlob("a", elf, /*pin_all_maps=*/true),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "map name \"../v/target\" may only hold"));
  EXPECT_THAT(PinsUnder(SetDir("a")), IsEmpty());
  EXPECT_THAT(warden_->Unload("a", MapPins::kRemove),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(PinsUnder(SetDir("v")),
              ElementsAre(SetDir("v") + "/aaaaaaaaaaa", victim));
  ASSERT_TRUE(warden_->Unload("v", MapPins::kRemove).ok());
}

// A "/" in a pinned-by-name map would make libbpf create a directory.
TEST_F(HostileObjectsTest, MapNameWithSlashIsRefused) {
  std::string elf = Object();
  RenameMap(&elf, "target", "tar/et");
  EXPECT_THAT(LoadBlob("s", elf, /*pin_all_maps=*/false),
              StatusIs(absl::StatusCode::kInvalidArgument, "tar/et"));
  EXPECT_THAT(PinsUnder(options().pin_root), IsEmpty());
}

// A newline in a program name would forge log lines.
TEST_F(HostileObjectsTest, ProgramNameWithControlCharacterIsRefused) {
  std::string elf = Object();
  ASSERT_TRUE(
      testing::ReplaceString(&elf, ".strtab", "names_prog", "names\nprog")
          .ok());
  EXPECT_THAT(LoadBlob("p", elf, /*pin_all_maps=*/false),
              StatusIs(absl::StatusCode::kInvalidArgument, "names\\nprog"));
  EXPECT_THAT(PinsUnder(options().pin_root), IsEmpty());
}

// offset + size wrapped in 32 bits and the memcpy wrote 4 GiB past .rodata.
TEST_F(HostileObjectsTest, RodataOffsetThatWrapsIsRefused) {
  std::string elf = Object();
  ASSERT_TRUE(testing::SetDatasecVarOffsets(&elf, ".rodata", 0xfffffff8u).ok());
  v1::GlobalValue magic;
  magic.set_name("names_magic");
  magic.set_uint_value(3);
  EXPECT_THAT(LoadBlob("r", elf, /*pin_all_maps=*/false, &magic),
              StatusIs(absl::StatusCode::kInvalidArgument, "outside"));
  EXPECT_THAT(PinsUnder(options().pin_root), IsEmpty());
}

}  // namespace
}  // namespace bpfwarden
