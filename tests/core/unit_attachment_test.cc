// The core's side of attachments by systemd unit: it knows only "attach to
// this cgroup" and "this attachment waits" (Warden::FollowUnit); the
// systemd adapter decides which. Real kernel, the test's own cgroups.
#include <linux/bpf.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/warden_fixture.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/status_matchers.h"

#define ASSERT_OK(expr)                   \
  do {                                    \
    const absl::Status status_ = (expr);  \
    ASSERT_TRUE(status_.ok()) << status_; \
  } while (0)

namespace bpfwarden::testing {
namespace {

class UnitAttachmentTest : public WardenFixture {
 protected:
  void SetUp() override {
    WardenFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    ASSERT_OK(warden_->Load(BuiltinSet("u")).status());
    spec_.set_program_set("u");
    spec_.set_program("tcp_stats_sockops");
    spec_.set_unit("demo.service");
  }
  size_t AttachedTo(const std::string& cgroup) const {
    auto ids = AttachedProgramIds(cgroup, BPF_CGROUP_SOCK_OPS);
    EXPECT_TRUE(ids.ok()) << ids.status();
    return ids.ok() ? ids->size() : 0;
  }
  v1::Attachment spec_;
};

TEST_F(UnitAttachmentTest, WaitsThenFollowsTheCgroupItIsGiven) {
  absl::StatusOr<AttachmentInfo> info = warden_->Attach(spec_);
  ASSERT_OK(info.status());
  EXPECT_TRUE(info->waiting);
  EXPECT_EQ(info->unit, "demo.service");
  EXPECT_EQ(info->cgroup, "");
  EXPECT_EQ(warden_->UnitAttachments().size(), 1u);

  // "Attach to this cgroup": the unit started.
  info = warden_->FollowUnit(info->id, cgroup().path());
  ASSERT_OK(info.status());
  EXPECT_FALSE(info->waiting);
  EXPECT_EQ(info->cgroup, cgroup().path());
  EXPECT_EQ(info->cgroup_id, cgroup().id());
  EXPECT_EQ(AttachedTo(cgroup().path()), 1u);

  // A restart: a new cgroup; the old one is left.
  auto next = ScopedCgroup::Create("unit-next");
  ASSERT_OK(next.status());
  const std::string id = info->id;
  info = warden_->FollowUnit(id, next->path());
  ASSERT_OK(info.status());
  EXPECT_EQ(info->id, id);  // stable: derived from the unit
  EXPECT_EQ(AttachedTo(next->path()), 1u);
  EXPECT_EQ(AttachedTo(cgroup().path()), 0u);

  // "This attachment waits": the unit stopped.
  info = warden_->FollowUnit(id, "");
  ASSERT_OK(info.status());
  EXPECT_TRUE(info->waiting);
  EXPECT_EQ(AttachedTo(next->path()), 0u);
  auto listed = warden_->ListAttachments();
  ASSERT_OK(listed.status());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].waiting);
  ASSERT_OK(warden_->Detach(id));
}

TEST_F(UnitAttachmentTest, RefusesAUnitWithACgroupOrPinned) {
  v1::Attachment both = spec_;
  both.set_cgroup(cgroup().path());
  EXPECT_THAT(warden_->Attach(both),
              StatusIs(absl::StatusCode::kInvalidArgument, "not both"));
  v1::Attachment pinned = spec_;
  pinned.set_pinned(true);
  EXPECT_THAT(warden_->Attach(pinned),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(UnitAttachmentTest, FollowUnitOnlyForUnitAttachments) {
  absl::StatusOr<AttachmentInfo> plain = warden_->Attach(
      AttachmentSpec("u", "tcp_stats_sockops", cgroup().path()));
  ASSERT_OK(plain.status());
  EXPECT_THAT(warden_->FollowUnit(plain->id, ""),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(warden_->FollowUnit("att-nosuch", ""),
              StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK(warden_->Detach(plain->id));
}

}  // namespace
}  // namespace bpfwarden::testing
