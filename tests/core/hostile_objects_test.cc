// Hostile objects an ADMIN of one set could upload (issue 14): each is a
// built object edited in the test, and each is refused with a clear error,
// leaving no pins and leaving other sets' pins alone.
#include <string>

#include "bpf/include/bpfwarden/log.h"
#include "daemon/core/admin_scope.h"
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
// The shipped sock_ops object, and its one log call (bpf/tcp_tune.bpf.c).
constexpr char kShippedObject[] = "bpf/bpfwarden.bpf.o";
constexpr char kTuneLogFormat[] =
    "congestion control {} refused for {:i}, rule {} (error {})";

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

// A scoped ADMIN's sock_ops object whose log call says an integer argument
// is 64 KiB: before the fix it loaded, and formatting one record of that
// site copied 64 KiB into a uint64_t on the daemon's stack.
TEST_F(HostileObjectsTest, LogArgumentLargerThanItsTypeIsRefused) {
  std::string elf = testing::ReadFile(testing::Runfile(kShippedObject));
  ASSERT_FALSE(elf.empty());
  ASSERT_TRUE(testing::EditLogSite(&elf, kTuneLogFormat, [](bw_log_site& h) {
                h.record_size = 0xffff;
                h.sizes[2] = 0xff00;  // argument 3, "rule {}", a __u32
              }).ok());
  AdminScope scope;
  scope.program_types = {BPF_PROG_TYPE_SOCK_OPS};
  scope.attach_types = {BPF_CGROUP_SOCK_OPS};
  scope.cgroup_subtree = cgroup().path();
  v1::ProgramSet spec;
  spec.set_name("l");
  LoadOptions load;
  load.object_blobs.push_back(elf);
  load.admin_scopes = std::vector<AdminScope>{scope};
  load.owner = "uid:42";
  const absl::StatusOr<ProgramSetInfo> loaded = warden_->Load(spec, load);
  EXPECT_THAT(loaded, StatusIs(absl::StatusCode::kInvalidArgument,
                               "argument 3: __u32 of 65280 bytes (it has 4)"));
  EXPECT_THAT(loaded, StatusIs(absl::StatusCode::kInvalidArgument,
                               "set l: malformed .bw_log_sites section: log "
                               "call at bpf/tcp_tune.bpf.c:"));
  EXPECT_THAT(PinsUnder(options().pin_root), IsEmpty());
  EXPECT_THAT(warden_->Unload("l", MapPins::kRemove),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace bpfwarden
