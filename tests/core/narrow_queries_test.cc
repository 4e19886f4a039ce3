// The Warden's narrow queries on a real kernel: GetAttachment answers from
// the daemon's own records, and Detach asks its caller's authorization
// under the lock hold that detaches, before anything else is decided.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/warden_fixture.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

class NarrowQueriesTest : public WardenFixture {};

absl::Status Refuse(const AttachmentInfo&) {
  return absl::PermissionDeniedError("refused by the test");
}

TEST_F(NarrowQueriesTest, GetAttachmentAndAuthorizedDetach) {
  ASSERT_TRUE(warden_->Load(BuiltinSet("bpfwarden")).ok());
  auto att = warden_->Attach(
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup().path()));
  ASSERT_TRUE(att.ok()) << att.status();

  auto got = warden_->GetAttachment(att->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->program_set, "bpfwarden");
  EXPECT_EQ(got->program, "tcp_stats_sockops");
  EXPECT_EQ(got->cgroup, att->cgroup);
  EXPECT_EQ(got->link_id, att->link_id);
  EXPECT_TRUE(got->ours);
  EXPECT_THAT(warden_->GetAttachment("att-none"),
              StatusIs(absl::StatusCode::kNotFound));

  // Refused: the refusal comes back, nothing is detached.
  std::vector<AttachmentInfo> asked;
  absl::Status refused =
      warden_->Detach(att->id, [&](const AttachmentInfo& info) {
        asked.push_back(info);
        return Refuse(info);
      });
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kPermissionDenied))
      << refused;
  ASSERT_THAT(asked, SizeIs(1));
  EXPECT_EQ(asked[0].id, att->id);
  EXPECT_THAT(AttachedAnyType(cgroup().path()), SizeIs(1));
  EXPECT_TRUE(warden_->GetAttachment(att->id).ok());

  // An unknown id: NotFound, and nobody is asked.
  asked.clear();
  absl::Status unknown =
      warden_->Detach("att-none", [&](const AttachmentInfo& info) {
        asked.push_back(info);
        return absl::OkStatus();
      });
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kNotFound)) << unknown;
  EXPECT_THAT(asked, IsEmpty());

  // Allowed: detached.
  EXPECT_TRUE(
      warden_
          ->Detach(att->id,
                   [](const AttachmentInfo&) { return absl::OkStatus(); })
          .ok());
  EXPECT_THAT(AttachedAnyType(cgroup().path()), IsEmpty());
  EXPECT_THAT(warden_->GetAttachment(att->id),
              StatusIs(absl::StatusCode::kNotFound));
}

// A caller that may not detach learns that, not that the configuration
// owns the attachment.
TEST_F(NarrowQueriesTest, AuthorizationComesBeforeTheConfigurationCheck) {
  v1::Config config;
  *config.add_program_sets() = BuiltinSet("bpfwarden");
  *config.add_attachments() =
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup().path());
  ASSERT_TRUE(warden_->Start(config).ok());
  auto listed = warden_->ListAttachments(cgroup().path());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_THAT(*listed, SizeIs(1));
  const std::string id = (*listed)[0].id;

  EXPECT_THAT(warden_->Detach(id, Refuse),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(warden_->Detach(id),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(AttachedAnyType(cgroup().path()), SizeIs(1));
}

// Services and containers remove their cgroups all the time. Before the fix,
// one removed cgroup made every ListAttachments fail (ENOENT from the
// query).
TEST_F(NarrowQueriesTest, RemovedCgroupLeavesListAndDetachWorking) {
  ASSERT_TRUE(warden_->Load(BuiltinSet("bpfwarden")).ok());
  const std::string doomed = cgroup().path() + "/doomed";
  ASSERT_EQ(::mkdir(doomed.c_str(), 0755), 0) << std::strerror(errno);
  absl::Cleanup remove = [&] { ::rmdir(doomed.c_str()); };
  auto att =
      warden_->Attach(AttachmentSpec("bpfwarden", "tcp_stats_sockops", doomed));
  ASSERT_TRUE(att.ok()) << att.status();
  auto kept = warden_->Attach(
      AttachmentSpec("bpfwarden", "tcp_stats_sockops", cgroup().path()));
  ASSERT_TRUE(kept.ok()) << kept.status();
  ASSERT_EQ(::rmdir(doomed.c_str()), 0) << std::strerror(errno);

  auto listed = warden_->ListAttachments();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_THAT(*listed, SizeIs(2));
  for (const AttachmentInfo& a : *listed) {
    EXPECT_EQ(a.defunct, a.id == att->id) << a.id;
  }
  EXPECT_TRUE(warden_->Detach(att->id).ok());
  listed = warden_->ListAttachments();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].id, kept->id);
  EXPECT_TRUE(warden_->Detach(kept->id).ok());
}

// Before the fix, a runtime set loaded while the configured set of that name
// had failed took its place, and SIGHUP then kept it as if configured.
TEST_F(NarrowQueriesTest, RuntimeSetCannotTakeAConfiguredName) {
  v1::Config config;
  v1::ProgramSet* broken = config.add_program_sets();
  broken->set_name("configured");
  broken->add_objects("/nonexistent/x.bpf.o");
  EXPECT_FALSE(warden_->Start(config).ok());  // the configured set failed
  EXPECT_THAT(warden_->Load(BuiltinSet("configured")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "may not take the name of a configured set"));
  EXPECT_THAT(warden_->GetSet("configured"),
              StatusIs(absl::StatusCode::kNotFound));
  // A runtime set whose name the configuration takes later stays runtime,
  // and the reload says why the configured one is missing.
  ASSERT_TRUE(warden_->Load(BuiltinSet("later")).ok());
  config.clear_program_sets();
  *config.add_program_sets() = BuiltinSet("later");
  EXPECT_THAT(warden_->Reconcile(config),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "a set loaded at run time holds the name"));
  EXPECT_TRUE(warden_->Unload("later").ok());
}

}  // namespace
}  // namespace bpfwarden::testing
