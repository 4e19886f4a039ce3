// Issue 20, seen from a non-root admin (nobody, through api_probe) whose
// ADMIN rule is limited to sock_ops programs on the test's cgroup subtree:
// every ADMIN method refuses what lies outside that scope and does what
// lies inside; Detach answers the same for an id that does not exist and
// one the caller may not touch; a set the admin loads under a name the
// configuration later declares never receives the configuration's
// attachments; Daemon.Status names only the sets whose logs the caller may
// read; its objects are verified with CAP_BPF and CAP_NET_ADMIN only, so
// the verifier refuses it the kernel reads root's loads may make; its
// rule's quotas refuse its next set.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "tests/api/probe_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/scoped_cgroup.h"

namespace bpfwarden::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// sock_ops programs a scoped admin can load: no kernel reads (the shipped
// tcp_stats casts with bpf_skc_to_tcp_sock, which needs CAP_PERFMON).
constexpr char kSockops[] = "tests/core/core_scoped_sockops.bpf.o";
constexpr char kHooks[] = "tests/core/core_hooks.bpf.o";
// A sock_ops program calling bpf_probe_read_kernel.
constexpr char kReadKernel[] = "tests/core/core_read_kernel.bpf.o";

class AdminScopeTest : public ProbeFixture {
 protected:
  // ADMIN on team-* for nobody: sock_ops only, on the test's cgroup.
  std::string TeamAdmin() const {
    return absl::StrCat(
        "policy { program_set: \"team-*\" map: \"*\" principals: "
        "\"uid:65534\" allow: ADMIN program_types: \"sock_ops\" "
        "attach_types: \"cgroup_sock_ops\" cgroup_subtree: \"",
        cgroup_->path(), "\" }\n");
  }

  // Starts the daemon, then gives nobody TeamAdmin().
  void StartScoped(const std::string& tag) {
    ASSERT_NO_FATAL_FAILURE(StartDaemon(tag));
    ASSERT_TRUE(daemon_->Reload(ConfigWithPolicy(TeamAdmin())).ok());
  }

  // Root attaches `program` of `set` to `cgroup`; its id.
  std::string RootAttach(const std::string& set, const std::string& program,
                         const std::string& cgroup) {
    v1::AttachRequest req;
    req.mutable_attachment()->set_program_set(set);
    req.mutable_attachment()->set_program(program);
    req.mutable_attachment()->set_cgroup(cgroup);
    v1::AttachResponse resp;
    grpc::Status s = attachments_->Attach(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.attachment().id();
  }

  // The ids of ours attached to `cgroup`, as root sees them.
  std::vector<std::string> AttachedTo(const std::string& cgroup) {
    v1::ListAttachmentsRequest req;
    req.set_cgroup(cgroup);
    v1::ListAttachmentsResponse resp;
    grpc::Status s = attachments_->List(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> ids;
    for (const v1::AttachmentInfo& a : resp.attachments())
      ids.push_back(a.id());
    return ids;
  }

  bool Loaded(const std::string& set) {
    v1::GetProgramSetRequest req;
    req.set_name(set);
    v1::ProgramSetInfo info;
    return programs_->Get(Ctx().get(), req, &info).ok();
  }
};

// What Detach tells nobody of `id` when it may not detach it.
std::string NotDetachable(const std::string& id) {
  return absl::StrCat("Attachments.Detach: no attachment ", id,
                      " that this caller may detach\n");
}

// Before the fix the scope was checked on Load and Attach only: the scoped
// admin detached attachments anywhere and unloaded (and unpinned) sets
// attached outside its subtree or holding programs it may not load.
TEST_F(AdminScopeTest, EveryAdminMethodStaysWithinTheScope) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartScoped("api-scope-methods"));
  auto outside = ScopedCgroup::Create("api-scope-outside");
  ASSERT_TRUE(outside.ok()) << outside.status();
  const std::string sockops = Readable(kSockops);
  const std::string hooks = Readable(kHooks);

  // Load: another program type is refused, sock_ops is loaded.
  RunResult load = Probe({"load", "team-b", hooks});
  EXPECT_EQ(load.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << load.err;
  EXPECT_FALSE(Loaded("team-b"));
  load = Probe({"load", "team-a", sockops});
  ASSERT_EQ(load.exit_code, 0) << load.err;

  // Attach: outside the subtree refused, inside attached.
  RunResult attach =
      Probe({"attach", "team-a", "scoped_count_sockops", outside->path()});
  EXPECT_EQ(attach.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << attach.err;
  attach = Probe({"attach", "team-a", "scoped_count_sockops", cgroup_->path()});
  ASSERT_EQ(attach.exit_code, 0) << attach.err;
  const std::string own = std::string(absl::StripSuffix(attach.out, "\n"));

  // Root's attachments outside the scope: one of team-a, one of a set
  // outside the rule's glob.
  const std::string root_team =
      RootAttach("team-a", "scoped_tune_sockops", outside->path());
  const std::string root_other =
      RootAttach(kSet, "tcp_stats_sockops", outside->path());
  ASSERT_THAT(AttachedTo(outside->path()),
              UnorderedElementsAre(root_team, root_other));

  // Detach outside the scope: refused, told exactly as an unknown id.
  const std::string unknown = "att-0123456789abcdef";
  for (const std::string& id : {root_team, root_other, unknown}) {
    RunResult detach = Probe({"detach", id});
    EXPECT_EQ(detach.exit_code, Code(grpc::StatusCode::NOT_FOUND))
        << id << ": " << detach.err;
    EXPECT_EQ(detach.err, NotDetachable(id));
  }
  EXPECT_THAT(AttachedTo(outside->path()),
              UnorderedElementsAre(root_team, root_other));

  // Unload of a set attached outside the scope: refused, nothing detached,
  // nothing unpinned.
  const std::string team_pins = pins_->path() + "/team-a";
  ASSERT_TRUE(std::filesystem::exists(team_pins + "/scoped_ops"));
  RunResult unload = Probe({"unload", "team-a", "unpin"});
  EXPECT_EQ(unload.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << unload.err;
  EXPECT_EQ(unload.err,
            "program set team-a may not be unloaded by this caller: 1 of its "
            "attachments lie outside the cgroup subtree or attach types the "
            "policy allows it; they must be detached first\n");
  EXPECT_TRUE(Loaded("team-a"));
  EXPECT_TRUE(std::filesystem::exists(team_pins + "/scoped_ops"));
  EXPECT_THAT(AttachedTo(cgroup_->path()), UnorderedElementsAre(own));
  EXPECT_THAT(AttachedTo(outside->path()),
              UnorderedElementsAre(root_team, root_other));

  // Unload of a set holding programs the admin may not load (root's).
  v1::LoadRequest hooks_set;
  hooks_set.mutable_program_set()->set_name("team-c");
  hooks_set.mutable_program_set()->add_objects(hooks);
  v1::LoadResponse loaded;
  ASSERT_TRUE(programs_->Load(Ctx().get(), hooks_set, &loaded).ok());
  unload = Probe({"unload", "team-c", "unpin"});
  EXPECT_EQ(unload.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED))
      << unload.err;
  EXPECT_THAT(unload.err, HasSubstr("programs of a type the policy does not "
                                    "allow this caller to load"));
  EXPECT_TRUE(Loaded("team-c"));

  // Inside the scope: detached, then (root's outside ones gone) unloaded.
  RunResult detach = Probe({"detach", own});
  EXPECT_EQ(detach.exit_code, 0) << detach.err;
  EXPECT_THAT(AttachedTo(cgroup_->path()), IsEmpty());
  for (const std::string& id : {root_team, root_other}) {
    v1::DetachRequest req;
    req.set_id(id);
    v1::DetachResponse resp;
    EXPECT_TRUE(attachments_->Detach(Ctx().get(), req, &resp).ok());
  }
  unload = Probe({"unload", "team-a", "unpin"});
  EXPECT_EQ(unload.exit_code, 0) << unload.err;
  EXPECT_FALSE(Loaded("team-a"));
  EXPECT_FALSE(std::filesystem::exists(team_pins + "/scoped_ops"));
  v1::UnloadRequest unload_c;
  unload_c.set_name("team-c");
  v1::UnloadResponse unloaded;
  EXPECT_TRUE(programs_->Unload(Ctx().get(), unload_c, &unloaded).ok());
  EXPECT_THAT(AttachedTo(outside->path()), IsEmpty());
}

// A caller with no ADMIN grant is refused before any lookup, the same for
// every id.
TEST_F(AdminScopeTest, DetachWithoutAnyAdminGrantIsRefusedAlike) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-scope-nogrant"));
  const std::string root_att =
      RootAttach(kSet, "tcp_stats_sockops", cgroup_->path());
  RunResult known = Probe({"detach", root_att});
  RunResult unknown = Probe({"detach", "att-0123456789abcdef"});
  EXPECT_EQ(known.exit_code, Code(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(unknown.exit_code, known.exit_code);
  EXPECT_EQ(known.err, unknown.err);
  EXPECT_THAT(known.err, Not(HasSubstr(kSet)));
  EXPECT_THAT(AttachedTo(cgroup_->path()), UnorderedElementsAre(root_att));
}

// Before the fix the admin's set, loaded under a name the configuration
// declared later, received the configuration's attachment at the SIGHUP:
// the admin's program ran where only root's configuration may attach.
TEST_F(AdminScopeTest, ConfigAttachmentsNeverResolveToARuntimeSet) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartScoped("api-scope-config"));
  RunResult load = Probe({"load", "team-x", Readable(kSockops)});
  ASSERT_EQ(load.exit_code, 0) << load.err;

  const std::string declares_team_x = absl::StrCat(
      ConfigWithPolicy(TeamAdmin()), "program_sets { name: \"team-x\" ",
      "objects: \"", Readable(kSockops), "\" }\n",
      "attachments { program_set: \"team-x\" program: "
      "\"scoped_count_sockops\" ",
      "cgroup: \"", cgroup_->path(), "\" }\n");
  const std::string reloaded = "reloaded " + daemon_->config_dir();
  ASSERT_TRUE(daemon_->Reload(declares_team_x, reloaded).ok());
  EXPECT_THAT(AttachedTo(cgroup_->path()), IsEmpty());
  const std::string log = daemon_->Log();
  EXPECT_THAT(log, HasSubstr("config set team-x: FAILED_PRECONDITION: it is "
                             "not loaded: a set loaded at run time holds the "
                             "name"));
  EXPECT_THAT(log, HasSubstr("config attachment team-x/scoped_count_sockops: "
                             "FAILED_PRECONDITION: program set team-x was "
                             "loaded at run time"));
  EXPECT_THAT(log, HasSubstr(reloaded + " with errors"));

  // Once the admin lets go of the name, the next reload loads the
  // configuration's set and attaches it.
  RunResult unload = Probe({"unload", "team-x"});
  ASSERT_EQ(unload.exit_code, 0) << unload.err;
  ASSERT_TRUE(daemon_->Reload(declares_team_x, reloaded).ok());
  v1::ListAttachmentsRequest req;
  req.set_cgroup(cgroup_->path());
  v1::ListAttachmentsResponse listed;
  ASSERT_TRUE(attachments_->List(Ctx().get(), req, &listed).ok());
  ASSERT_EQ(listed.attachments_size(), 1);
  EXPECT_EQ(listed.attachments(0).program_set(), "team-x");
  EXPECT_EQ(listed.attachments(0).origin(), v1::ORIGIN_CONFIG);
  ASSERT_TRUE(daemon_->Reload(ConfigWithPolicy(TeamAdmin()), reloaded).ok());
  EXPECT_THAT(AttachedTo(cgroup_->path()), IsEmpty());
}

// Before the fix Daemon.Status listed the log counts of every set, so any
// connected caller learnt every set's name.
TEST_F(AdminScopeTest, StatusNamesOnlySetsWhoseLogsTheCallerMayRead) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-scope-status", kReadCounters));
  // Root sees the builtin set's counts.
  v1::StatusResponse root;
  ASSERT_TRUE(status_->Status(Ctx().get(), v1::StatusRequest(), &root).ok());
  ASSERT_EQ(root.logs_size(), 1);
  EXPECT_EQ(root.logs(0).program_set(), kSet);
  RunResult status = Probe({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, Not(HasSubstr("logs ")));

  ASSERT_TRUE(daemon_
                  ->Reload(ConfigWithPolicy(absl::StrCat(kReadCounters, R"pb(
                    policy {
                      program_set: "bpfwarden"
                      map: "bw_log"
                      principals: "uid:65534"
                      allow: READ
                    }
                  )pb")))
                  .ok());
  status = Probe({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("\nlogs bpfwarden\n"));
}

// Before the fix the scoped admin's object was verified with the daemon's
// CAP_SYS_ADMIN: its sock_ops program read kernel memory.
TEST_F(AdminScopeTest, TheVerifierRefusesAScopedAdminKernelReads) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartScoped("api-scope-caps"));
  const std::string reader = Readable(kReadKernel);
  RunResult load = Probe({"load", "team-r", reader});
  EXPECT_EQ(load.exit_code, Code(grpc::StatusCode::INVALID_ARGUMENT))
      << load.err;
  EXPECT_THAT(load.err, HasSubstr("a scoped administrator's, with "
                                  "CAP_NET_ADMIN, CAP_BPF only"));
  // The verifier's own words.
  EXPECT_THAT(load.err, HasSubstr("bpf_probe_read_kernel#113"));
  EXPECT_FALSE(Loaded("team-r"));
  EXPECT_FALSE(std::filesystem::exists(pins_->path() + "/team-r"));

  // Root loads the same object, with the daemon's privileges.
  v1::LoadRequest req;
  req.mutable_program_set()->set_name("team-r");
  req.mutable_program_set()->add_objects(reader);
  v1::LoadResponse resp;
  grpc::Status root = programs_->Load(Ctx().get(), req, &resp);
  EXPECT_TRUE(root.ok()) << root.error_message();
}

// Before the fix a scoped admin loaded sets without bound.
TEST_F(AdminScopeTest, AQuotaRefusesTheNextSet) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-scope-quota"));
  std::string one_set = TeamAdmin();
  one_set.insert(one_set.rfind('}'), "max_sets: 1 ");
  ASSERT_TRUE(daemon_->Reload(ConfigWithPolicy(one_set)).ok());
  const std::string sockops = Readable(kSockops);
  RunResult load = Probe({"load", "team-a", sockops});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  load = Probe({"load", "team-b", sockops});
  EXPECT_EQ(load.exit_code, Code(grpc::StatusCode::RESOURCE_EXHAUSTED))
      << load.err;
  EXPECT_THAT(load.err,
              HasSubstr("quota of uid:65534: max_sets is 1, and set team-b "
                        "would make it 2"));
  EXPECT_FALSE(Loaded("team-b"));
  EXPECT_FALSE(std::filesystem::exists(pins_->path() + "/team-b"));
  // The daemon serves on; the admin's own set is still its to unload.
  RunResult unload = Probe({"unload", "team-a"});
  EXPECT_EQ(unload.exit_code, 0) << unload.err;
  load = Probe({"load", "team-b", sockops});
  EXPECT_EQ(load.exit_code, 0) << load.err;
  EXPECT_EQ(Probe({"unload", "team-b"}).exit_code, 0);
}

}  // namespace
}  // namespace bpfwarden::testing
