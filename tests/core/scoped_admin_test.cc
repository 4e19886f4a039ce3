// Issue 20 in the core: a non-root administrator's Unload stays within its
// scope (the set's program types and every attachment of it), and the
// configuration's attachments resolve only to the configuration's sets, never
// to a runtime set that took a name the configuration declares later; its
// objects are verified with CAP_BPF and CAP_NET_ADMIN only, so the verifier
// refuses it kernel reads that root's loads keep; its quotas refuse the
// next set, counted per principal and across a restart.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/core/admin_quota.h"
#include "daemon/core/warden.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/warden_fixture.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::AttachmentSpec;
using ::bpfwarden::testing::BuiltinSet;
using ::bpfwarden::testing::ScopedCgroup;
using ::bpfwarden::testing::SetOfObjects;
using ::bpfwarden::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class ScopedAdminTest : public testing::WardenFixture {
 protected:
  // sock_ops programs attached as cgroup_sock_ops on the test's cgroup.
  std::vector<AdminScope> Scope(
      bpf_prog_type type = BPF_PROG_TYPE_SOCK_OPS) const {
    return {{{type}, {BPF_CGROUP_SOCK_OPS}, cgroup().path()}};
  }

  std::vector<AttachmentInfo> On(const std::string& cgroup) const {
    auto listed = warden_->ListAttachments(cgroup);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? *listed : std::vector<AttachmentInfo>{};
  }
};

// Before the fix UnloadScoped did not exist: the API unloaded (and
// unpinned) any set the admin's glob covered.
TEST_F(ScopedAdminTest, UnloadStaysWithinTheScope) {
  ASSERT_TRUE(warden_->Start(v1::Config()).ok());
  auto outside = ScopedCgroup::Create("core-scope-outside");
  ASSERT_TRUE(outside.ok()) << outside.status();
  ASSERT_TRUE(warden_->Load(BuiltinSet("team")).ok());
  ASSERT_TRUE(warden_
                  ->AttachScoped(AttachmentSpec("team", "tcp_stats_sockops",
                                                cgroup().path()),
                                 Scope())
                  .ok());
  auto far = warden_->Attach(
      AttachmentSpec("team", "tcp_tune_sockops", outside->path()));
  ASSERT_TRUE(far.ok()) << far.status();

  // An attachment outside: refused, nothing detached or unpinned.
  absl::Status s = warden_->UnloadScoped("team", MapPins::kRemove, Scope());
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied,
                          "1 of its attachments lie outside"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr(outside->path())));
  EXPECT_TRUE(warden_->GetSet("team").ok());
  EXPECT_TRUE(std::filesystem::exists(SetDir("team") + "/tcp_stats"));
  EXPECT_THAT(On(cgroup().path()), SizeIs(1));
  EXPECT_THAT(On(outside->path()), SizeIs(1));

  ASSERT_TRUE(warden_->Detach(far->id).ok());
  // Programs of a type the scope does not allow: refused.
  EXPECT_THAT(
      warden_->UnloadScoped("team", MapPins::kRemove,
                            Scope(BPF_PROG_TYPE_CGROUP_SKB)),
      StatusIs(absl::StatusCode::kPermissionDenied, "programs of a type"));
  EXPECT_TRUE(warden_->GetSet("team").ok());
  // Within: unloaded, detached, unpinned.
  EXPECT_TRUE(warden_->UnloadScoped("team", MapPins::kRemove, Scope()).ok());
  EXPECT_THAT(warden_->GetSet("team"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_FALSE(std::filesystem::exists(SetDir("team") + "/tcp_stats"));
  EXPECT_THAT(On(cgroup().path()), IsEmpty());
}

// A scoped admin may not attach by unit, so an attachment made for a unit
// is outside its scope even while the unit runs inside its subtree.
TEST_F(ScopedAdminTest, UnitAttachmentsAreOutsideEveryScope) {
  ASSERT_TRUE(warden_->Start(v1::Config()).ok());
  ASSERT_TRUE(warden_->Load(BuiltinSet("team")).ok());
  v1::Attachment spec;
  spec.set_program_set("team");
  spec.set_program("tcp_stats_sockops");
  spec.set_unit("demo.service");
  auto unit = warden_->Attach(spec);
  ASSERT_TRUE(unit.ok()) << unit.status();
  ASSERT_TRUE(warden_->FollowUnit(unit->id, cgroup().path()).ok());
  EXPECT_THAT(warden_->UnloadScoped("team", MapPins::kKeep, Scope()),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "1 of its attachments lie outside"));
  EXPECT_THAT(On(cgroup().path()), SizeIs(1));
  ASSERT_TRUE(warden_->Detach(unit->id).ok());
  EXPECT_TRUE(warden_->UnloadScoped("team", MapPins::kKeep, Scope()).ok());
}

// Before the fix the reconcile attached the runtime set's program as the
// configuration's attachment.
TEST_F(ScopedAdminTest, ConfigAttachmentsResolveOnlyToConfigSets) {
  ASSERT_TRUE(warden_->Start(v1::Config()).ok());
  ASSERT_TRUE(warden_->Load(BuiltinSet("late")).ok());
  v1::Config config;
  *config.add_program_sets() = BuiltinSet("late");
  *config.add_attachments() =
      AttachmentSpec("late", "tcp_stats_sockops", cgroup().path());

  absl::Status s = warden_->Reconcile(config);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          "config set late: it is not loaded"));
  EXPECT_THAT(s.message(),
              HasSubstr("config attachment late/tcp_stats_sockops: program "
                        "set late was loaded at run time"));
  EXPECT_THAT(On(cgroup().path()), IsEmpty());
  auto runtime = warden_->GetSet("late");
  ASSERT_TRUE(runtime.ok());
  EXPECT_EQ(runtime->origin, Origin::kRuntime);

  // The name freed, the next reconcile loads and attaches the config's.
  ASSERT_TRUE(warden_->Unload("late").ok());
  ASSERT_TRUE(warden_->Reconcile(config).ok());
  std::vector<AttachmentInfo> attached = On(cgroup().path());
  ASSERT_THAT(attached, SizeIs(1));
  EXPECT_EQ(attached[0].origin, Origin::kConfig);
  ASSERT_TRUE(warden_->Reconcile(v1::Config()).ok());
  EXPECT_THAT(On(cgroup().path()), IsEmpty());
}

// Before the fix a scoped admin's objects were verified with the daemon's
// CAP_SYS_ADMIN: a sock_ops program could read kernel memory and leak
// kernel addresses. Scoped first,
// so that root's load also shows the scoped one left libbpf's feature
// probes as they were.
TEST_F(ScopedAdminTest, ScopedLoadsCannotReadKernelMemory) {
  constexpr char kReadKernel[] = "tests/core/read_kernel.bpf.o";
  ASSERT_TRUE(warden_->Start(v1::Config()).ok());
  LoadOptions scoped;
  scoped.admin_scopes = Scope();
  scoped.owner = "uid:42";
  absl::Status refused =
      warden_->Load(SetOfObjects("reader", {kReadKernel}), scoped).status();
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument,
                                "a scoped administrator's, with "
                                "CAP_NET_ADMIN, CAP_BPF only"));
  // The verifier's own words.
  EXPECT_THAT(refused.message(), HasSubstr("bpf_probe_read_kernel#113"));
  EXPECT_THAT(warden_->GetSet("reader"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_FALSE(std::filesystem::exists(SetDir("reader")));

  // Pointer leaks likewise: refused to the scoped admin, root's to make.
  constexpr char kLeak[] = "tests/core/leak_pointer.bpf.o";
  EXPECT_THAT(warden_->Load(SetOfObjects("leak", {kLeak}), scoped),
              StatusIs(absl::StatusCode::kInvalidArgument, "leaks addr"));
  EXPECT_FALSE(std::filesystem::exists(SetDir("leak")));
  auto leak = warden_->Load(SetOfObjects("leak", {kLeak}));
  EXPECT_TRUE(leak.ok()) << leak.status();

  // Root's load of the reader verifies with the daemon's privileges.
  auto root = warden_->Load(SetOfObjects("reader", {kReadKernel}));
  ASSERT_TRUE(root.ok()) << root.status();
  // A scoped admin's cgroup networking programs and maps that need
  // CAP_BPF (LRU hash, socket storage) load and attach.
  auto team = warden_->Load(
      SetOfObjects("team", {"tests/core/scoped_sockops.bpf.o"}), scoped);
  ASSERT_TRUE(team.ok()) << team.status();
  EXPECT_TRUE(warden_
                  ->AttachScoped(AttachmentSpec("team", "scoped_count_sockops",
                                                cgroup().path()),
                                 Scope())
                  .ok());
  // The shipped tcp_stats reads kernel memory (it casts to tcp_sock with
  // bpf_skc_to_tcp_sock): refused to the scoped admin. Where the verifier
  // stops first differs by kernel (6.18 names the helper; 5.10 and 6.1
  // refuse an earlier access), so the refusal is what is asserted.
  EXPECT_THAT(warden_->Load(BuiltinSet("stats"), scoped),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a scoped administrator's, with CAP_NET_ADMIN, CAP_BPF "
                       "only"));
}

// Before the fix a scoped admin could load sets, maps and map memory
// without bound.
TEST_F(ScopedAdminTest, QuotasRefuseTheNextSet) {
  constexpr char kScoped[] = "tests/core/scoped_sockops.bpf.o";
  ASSERT_TRUE(warden_->Start(v1::Config()).ok());
  // Set `name` of the scoped object, loaded by `owner` under `quotas`.
  auto load = [&](const std::string& name, const std::string& owner,
                  const AdminQuotas& quotas) {
    LoadOptions options;
    options.admin_scopes = Scope();
    options.admin_scopes->front().quotas = quotas;
    options.owner = owner;
    return warden_->Load(SetOfObjects(name, {kScoped}), options);
  };
  AdminQuotas quotas;
  quotas.max_sets = 2;
  auto first = load("q1", "uid:42", quotas);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->owner, "uid:42");
  const size_t maps = first->maps.size();
  ASSERT_GT(maps, 0u);

  // Maps: refused before any is created.
  quotas.max_maps = maps + 1;
  EXPECT_THAT(load("q2", "uid:42", quotas),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       absl::StrCat("quota of uid:42: max_maps is ", maps + 1,
                                    ", and set q2 would make it ", 2 * maps)));
  EXPECT_FALSE(std::filesystem::exists(SetDir("q2")));
  EXPECT_THAT(warden_->GetSet("q2"), StatusIs(absl::StatusCode::kNotFound));
  // Map bytes.
  quotas.max_maps = 64;
  quotas.max_map_bytes = 100;
  EXPECT_THAT(load("q2", "uid:42", quotas),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "quota of uid:42: max_map_bytes is 100"));
  EXPECT_FALSE(std::filesystem::exists(SetDir("q2")));
  // Per principal: another uid holds nothing yet.
  AdminQuotas one_set;
  one_set.max_sets = 1;
  ASSERT_TRUE(load("other", "uid:43", one_set).ok());
  // Sets (and saved objects: one each here).
  quotas.max_map_bytes = AdminQuotas::kDefaultMaxMapBytes;
  ASSERT_TRUE(load("q2", "uid:42", quotas).ok());
  EXPECT_THAT(
      load("q3", "uid:42", quotas),
      StatusIs(absl::StatusCode::kResourceExhausted,
               "quota of uid:42: max_sets is 2, and set q3 would make it 3"));
  quotas.max_sets = 8;
  quotas.max_saved_objects = 2;
  EXPECT_THAT(load("q3", "uid:42", quotas),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "max_saved_objects is 2, and set q3 would make it 3"));
  EXPECT_FALSE(std::filesystem::exists(SetDir("q3")));

  // After a restart the sets are still theirs, verified as they were.
  ASSERT_TRUE(warden_->Shutdown().ok());
  auto restarted = Warden::Create(options_);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  warden_ = *std::move(restarted);
  ASSERT_TRUE(warden_->Start(v1::Config()).ok());
  auto q1 = warden_->GetSet("q1");
  ASSERT_TRUE(q1.ok()) << q1.status();
  EXPECT_EQ(q1->owner, "uid:42");
  EXPECT_TRUE(q1->scoped);
  quotas.max_saved_objects = 8;
  quotas.max_sets = 2;
  EXPECT_THAT(load("q3", "uid:42", quotas),
              StatusIs(absl::StatusCode::kResourceExhausted, "max_sets is 2"));
  for (const char* set : {"q1", "q2", "other"}) {
    EXPECT_TRUE(warden_->Unload(set, MapPins::kRemove).ok()) << set;
  }
}

}  // namespace
}  // namespace bpfwarden
