// Teardown that fails for real, and says so: Warden::Shutdown (and Detach,
// Unload) reports each attachment whose release failed and whether its link
// stayed attached, and bpfwardend exits non-zero naming it. The failures are
// real: a link pin replaced by another object, a kept pinned link whose pin
// is gone, and a BPF_LINK_DETACH the kernel refuses (a seccomp filter on the
// thread that releases, as a unit's SystemCallFilter= would set).
#include <bpf/bpf.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/core_types.h"
#include "daemon/core/warden.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/core_testing.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/daemon_process.h"
#include "tests/testing/files.h"
#include "tests/testing/kernel_clock.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/refused_bpf_command.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

using ::bpfwarden::testing::AttachedAnyType;
using ::bpfwarden::testing::AttachedProgramIds;
using ::bpfwarden::testing::PinsUnder;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kSet[] = "bpfwarden";
constexpr char kProgram[] = "tcp_stats_sockops";

// Moves the pin at `pin` aside and pins the set's tcp_stats map there in
// its place: the path now holds an object that is not the link.
void ReplacePinWithMap(const std::string& pin, const std::string& map_pin) {
  UniqueFd map(bpf_obj_get(map_pin.c_str()));
  ASSERT_TRUE(map.valid()) << map_pin << ": " << std::strerror(errno);
  ASSERT_EQ(::unlink(pin.c_str()), 0) << std::strerror(errno);
  ASSERT_EQ(bpf_obj_pin(map.get(), pin.c_str()), 0) << std::strerror(errno);
}

class TeardownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BPFWARDEN_REQUIRE_KERNEL();
    auto scope =
        testing::TestScope::Create("teardown-" + testing::CurrentTestTag());
    ASSERT_TRUE(scope.ok()) << scope.status();
    scope_.emplace(*std::move(scope));
    pin_root_ = scope_->pins().path() + "/root";
    auto warden = Warden::Create({.pin_root = pin_root_,
                                  .state_dir = "",
                                  .platform = testing::DetectedKernelPlatform()});
    ASSERT_TRUE(warden.ok()) << warden.status();
    warden_ = *std::move(warden);
    v1::ProgramSet set;
    set.set_name(kSet);
    set.set_builtin(true);
    auto loaded = warden_->Load(set);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
  }

  // The residue check runs after the test's own clean-up: whatever a test
  // left attached or pinned on purpose, it removed again.
  void TearDown() override {
    if (warden_) {
      EXPECT_TRUE(warden_->Shutdown().ok());  // OK: already shut down
      warden_.reset();
    }
    if (scope_) {
      EXPECT_THAT(scope_->Finish(), IsEmpty());
    }
  }

  AttachmentInfo Attach(bool pinned) {
    v1::Attachment spec;
    spec.set_program_set(kSet);
    spec.set_program(kProgram);
    spec.set_cgroup(cgroup());
    spec.set_pinned(pinned);
    auto att = warden_->Attach(spec);
    EXPECT_TRUE(att.ok()) << att.status();
    return att.ok() ? *att : AttachmentInfo{};
  }

  // What every report of a failed release starts with.
  std::string Describe(const AttachmentInfo& att) const {
    return absl::StrCat("attachment ", att.id, " (", kSet, "/", kProgram,
                        " on ", cgroup(), " as cgroup_sock_ops, link ",
                        att.link_id, ")");
  }

  const std::string& cgroup() const { return scope_->cgroup().path(); }
  std::string MapPin() const {
    return absl::StrCat(pin_root_, "/", kSet, "/tcp_stats");
  }

  std::optional<testing::TestScope> scope_;
  std::string pin_root_;
  std::unique_ptr<Warden> warden_;
};

// A link pin that now holds another object is not ours to remove: Shutdown
// leaves it, detaches the link through its FD, and reports the pin.
TEST_F(TeardownTest, LinkPinReplacedByAnotherObjectIsLeftAndReported) {
  const AttachmentInfo att = Attach(/*pinned=*/true);
  ASSERT_FALSE(att.link_pin_path.empty());
  ReplacePinWithMap(att.link_pin_path, MapPin());

  const absl::Status s = warden_->Shutdown();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition)) << s;
  EXPECT_THAT(s.message(), HasSubstr(Describe(att))) << s;
  EXPECT_THAT(s.message(),
              HasSubstr(absl::StrCat("the pin ", att.link_pin_path,
                                     " no longer holds link ", att.link_id,
                                     " but an object that is no link; left "
                                     "it in place")))
      << s;
  EXPECT_THAT(AttachedAnyType(cgroup()), IsEmpty());
  UniqueFd still(bpf_obj_get(att.link_pin_path.c_str()));
  EXPECT_TRUE(still.valid()) << "the map pinned there was removed";
  EXPECT_EQ(::unlink(att.link_pin_path.c_str()), 0);
}

// Kept pinned links stay attached through their pins; one whose pin is gone
// cannot, so it is detached now and reported.
TEST_F(TeardownTest, KeptPinnedLinkWithoutItsPinIsDetachedAndReported) {
  const AttachmentInfo att = Attach(/*pinned=*/true);
  ASSERT_EQ(::unlink(att.link_pin_path.c_str()), 0);

  const absl::Status s = warden_->Shutdown(LinkRelease::kKeepPinned);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition)) << s;
  EXPECT_THAT(s.message(),
              HasSubstr(absl::StrCat(Describe(att),
                                     ": cannot stay attached through its "
                                     "pin: nothing is pinned at ",
                                     att.link_pin_path, "; detached it")))
      << s;
  EXPECT_THAT(AttachedAnyType(cgroup()), IsEmpty());
}

// The kernel refuses BPF_LINK_DETACH while another holder keeps the link
// (here an FD opened by id, as bpftool would): the attachment stays, and
// Shutdown says which one and that it stayed.
TEST_F(TeardownTest, RefusedDetachOfALinkHeldElsewhereIsReportedAsAttached) {
  const AttachmentInfo att = Attach(/*pinned=*/false);
  UniqueFd elsewhere(bpf_link_get_fd_by_id(att.link_id));
  ASSERT_TRUE(elsewhere.valid()) << std::strerror(errno);

  absl::Status s;
  ASSERT_TRUE(testing::RunWithBpfCommandRefused(BPF_LINK_DETACH, EPERM, [&] {
                s = warden_->Shutdown();
              }).ok());
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied)) << s;
  EXPECT_THAT(
      s.message(),
      HasSubstr(absl::StrCat(Describe(att), ": detach (BPF_LINK_DETACH) link ",
                             att.link_id, ": Operation not permitted; link ",
                             att.link_id, " stays attached")))
      << s;
  auto attached = AttachedProgramIds(cgroup(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_THAT(*attached, ElementsAre(att.program_id));

  // The other holder lets go: now it is gone.
  EXPECT_EQ(bpf_link_detach(elsewhere.get()), 0) << std::strerror(errno);
  elsewhere.Reset();
  EXPECT_THAT(AttachedAnyType(cgroup()), IsEmpty());
}

// Refused, but the daemon held the only reference: closing it detached the
// link, and the report says so.
TEST_F(TeardownTest, RefusedDetachOfTheOnlyHolderSaysTheCloseDetachedIt) {
  const AttachmentInfo att = Attach(/*pinned=*/false);

  absl::Status s;
  ASSERT_TRUE(testing::RunWithBpfCommandRefused(BPF_LINK_DETACH, EPERM, [&] {
                s = warden_->Shutdown();
              }).ok());
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied)) << s;
  EXPECT_THAT(s.message(), HasSubstr(Describe(att))) << s;
  EXPECT_THAT(s.message(), HasSubstr("closing its last FD detached it")) << s;
  EXPECT_THAT(AttachedAnyType(cgroup()), IsEmpty());
}

// Detach and Unload return the refusal too; the attachment and the set
// are gone from the daemon all the same.
TEST_F(TeardownTest, DetachAndUnloadReturnTheRefusal) {
  const AttachmentInfo first = Attach(/*pinned=*/false);
  absl::Status detached, unloaded;
  ASSERT_TRUE(testing::RunWithBpfCommandRefused(BPF_LINK_DETACH, EPERM, [&] {
                detached = warden_->Detach(first.id);
              }).ok());
  EXPECT_THAT(detached, StatusIs(absl::StatusCode::kPermissionDenied))
      << detached;
  EXPECT_THAT(detached.message(), HasSubstr(Describe(first))) << detached;
  EXPECT_THAT(warden_->Detach(first.id), StatusIs(absl::StatusCode::kNotFound));

  const AttachmentInfo second = Attach(/*pinned=*/false);
  ASSERT_TRUE(testing::RunWithBpfCommandRefused(BPF_LINK_DETACH, EPERM, [&] {
                unloaded = warden_->Unload(kSet);
              }).ok());
  EXPECT_THAT(unloaded, StatusIs(absl::StatusCode::kPermissionDenied))
      << unloaded;
  EXPECT_THAT(unloaded.message(), HasSubstr(Describe(second))) << unloaded;
  EXPECT_THAT(warden_->GetSet(kSet), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(AttachedAnyType(cgroup()), IsEmpty());
}

// bpfwardend on SIGTERM: a release that fails makes it exit 1, its log
// naming the attachment.
TEST(DaemonTeardownTest, FailedReleaseExitsNonZeroNamingTheAttachment) {
  BPFWARDEN_REQUIRE_KERNEL();
  auto scope = testing::TestScope::Create("teardown-daemon");
  ASSERT_TRUE(scope.ok()) << scope.status();
  auto dir = testing::ScopedTempDir::Create("teardown");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string pin_root = scope->pins().path() + "/root";
  const std::string links = absl::StrCat(pin_root, "/", kSet, "/pinned-links");
  std::filesystem::create_directories(dir->path() + "/etc");
  ASSERT_TRUE(
      testing::WriteFile(
          dir->path() + "/etc/bpfwarden.textproto",
          absl::StrCat("program_sets { name: \"", kSet,
                       "\" builtin: true }\n"
                       "attachments { program_set: \"",
                       kSet, "\" program: \"", kProgram, "\" cgroup: \"",
                       scope->cgroup().path(), "\" pinned: true }\n"))
          .ok());
  {
    auto daemon = testing::DaemonProcess::Start(
        {"--pin_root=" + pin_root, "--config_dir=" + dir->path() + "/etc",
         "--state_dir=" + dir->path() + "/state", "--api_socket="},
        dir->path() + "/daemon.log");
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    ASSERT_TRUE(testing::WaitFor([&] { return PinsUnder(links).size() == 1; }))
        << daemon->Log();
    const std::string pin = PinsUnder(links).front();
    ReplacePinWithMap(pin, absl::StrCat(pin_root, "/", kSet, "/tcp_stats"));

    auto code = daemon->Stop();
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 1) << daemon->Log();
    const std::string id = std::filesystem::path(pin).filename().string();
    EXPECT_THAT(daemon->Log(), HasSubstr("shutdown incomplete: "))
        << daemon->Log();
    EXPECT_THAT(daemon->Log(), HasSubstr(absl::StrCat("attachment ", id, " (",
                                                      kSet, "/", kProgram)))
        << daemon->Log();
    EXPECT_THAT(daemon->Log(), HasSubstr("left it in place")) << daemon->Log();
    EXPECT_EQ(::unlink(pin.c_str()), 0);
  }
  EXPECT_THAT(scope->Finish(), IsEmpty());
}

}  // namespace
}  // namespace bpfwarden
