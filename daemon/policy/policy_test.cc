#include "daemon/policy/policy.h"

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::policy {
namespace {

using ::bpfwarden::testing::StatusIs;

Identity Unix(uid_t uid, gid_t gid, std::string user = "",
              std::vector<std::string> group_names = {},
              std::vector<gid_t> extra_groups = {}) {
  Identity id;
  id.kind = Identity::Kind::kUnix;
  id.uid = uid;
  id.gid = gid;
  id.user = std::move(user);
  id.groups = {gid};
  id.groups.insert(id.groups.end(), extra_groups.begin(), extra_groups.end());
  id.group_names = std::move(group_names);
  return id;
}

Identity Cert(std::string subject, std::string cn,
              std::vector<std::string> sans = {}) {
  Identity id;
  id.kind = Identity::Kind::kCertificate;
  id.cert_subject = std::move(subject);
  id.cert_common_name = std::move(cn);
  id.cert_sans = std::move(sans);
  return id;
}

Resource Map(std::string set, std::string map) { return {set, map}; }

Policy MustCreate(std::vector<Rule> rules) {
  auto policy = Policy::Create(std::move(rules));
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *std::move(policy) : Policy();
}

TEST(PolicyTest, RootIsAdminEvenWithoutRules) {
  Policy policy;
  Identity root = Unix(0, 0, "root");
  EXPECT_TRUE(policy.Allows(root, Operation::kAdmin, {"any", std::nullopt}));
  EXPECT_TRUE(policy.Allows(root, Operation::kWrite, Map("s", "m")));
}

TEST(PolicyTest, EveryoneElseIsDeniedWithoutRules) {
  Policy policy;
  Identity user = Unix(1000, 1000, "alice", {"alice"});
  EXPECT_FALSE(policy.Allows(user, Operation::kRead, Map("s", "m")));
  EXPECT_FALSE(
      policy.Allows(Cert("CN=x", "x"), Operation::kRead, Map("s", "m")));
  Identity unknown;  // kind unknown, uid -1
  EXPECT_FALSE(policy.Allows(unknown, Operation::kRead, Map("s", "m")));
}

TEST(PolicyTest, RootOnlyByUidZeroOfAUnixPeer) {
  // A certificate named "root" or a user named root with another uid is not
  // root.
  Policy policy;
  EXPECT_FALSE(policy.Allows(Cert("CN=root", "root"), Operation::kAdmin,
                             {"s", std::nullopt}));
  EXPECT_FALSE(policy.Allows(Unix(5, 0, "root"), Operation::kAdmin,
                             {"s", std::nullopt}));
}

TEST(PolicyTest, GlobsSelectSetAndMap) {
  Policy policy =
      MustCreate({{"bpf*", "tcp_*", {"uid:1000"}, {Operation::kRead}}});
  Identity user = Unix(1000, 1000);
  EXPECT_TRUE(
      policy.Allows(user, Operation::kRead, Map("bpfwarden", "tcp_stats")));
  EXPECT_FALSE(
      policy.Allows(user, Operation::kRead, Map("other", "tcp_stats")));
  EXPECT_FALSE(policy.Allows(user, Operation::kRead, Map("bpfwarden", "udp")));
}

TEST(PolicyTest, OperationsDoNotImplyEachOther) {
  Policy policy = MustCreate({{"*", "*", {"uid:7"}, {Operation::kWrite}},
                              {"*",
                               "*",
                               {"uid:8"},
                               {Operation::kAdmin},
                               {{"sock_ops"}, {"sock_ops"}, "/"}}});
  EXPECT_TRUE(policy.Allows(Unix(7, 7), Operation::kWrite, Map("s", "m")));
  EXPECT_FALSE(policy.Allows(Unix(7, 7), Operation::kRead, Map("s", "m")));
  EXPECT_FALSE(policy.Allows(Unix(8, 8), Operation::kRead, Map("s", "m")));
  EXPECT_FALSE(policy.Allows(Unix(8, 8), Operation::kWrite, Map("s", "m")));
  EXPECT_TRUE(
      policy.Allows(Unix(8, 8), Operation::kAdmin, {"s", std::nullopt}));
}

TEST(PolicyTest, PrincipalKinds) {
  Policy policy = MustCreate({{"s",
                               "m",
                               {"user:alice", "group:ops", "group:4242",
                                "cert:CN=robot", "cert:spiffe://x/y"},
                               {Operation::kRead}}});
  auto read = [&](const Identity& who) {
    return policy.Allows(who, Operation::kRead, Map("s", "m"));
  };
  EXPECT_TRUE(read(Unix(1000, 1000, "alice")));
  EXPECT_FALSE(read(Unix(1001, 1001, "bob")));
  EXPECT_TRUE(read(Unix(1001, 1001, "bob", {"bob", "ops"})));
  EXPECT_TRUE(read(Unix(1002, 1002, "", {}, {4242})));  // numeric group
  EXPECT_TRUE(read(Unix(1003, 4242)));                  // primary gid
  EXPECT_TRUE(read(Cert("CN=robot,O=example", "robot")));
  EXPECT_TRUE(read(Cert("CN=other", "other", {"spiffe://x/y"})));
  EXPECT_FALSE(read(Cert("CN=other", "other", {"spiffe://x/z"})));
  // A certificate never matches Unix principals and vice versa.
  EXPECT_FALSE(read(Cert("CN=alice", "alice", {"alice"})));
  Identity unix_with_cert_fields = Unix(1004, 1004);
  unix_with_cert_fields.cert_common_name = "robot";
  EXPECT_FALSE(read(unix_with_cert_fields));
}

TEST(PolicyTest, CertSubjectMustMatchWhole) {
  Policy policy =
      MustCreate({{"*", "*", {"cert:CN=ops,O=example"}, {Operation::kRead}}});
  EXPECT_TRUE(policy.Allows(Cert("CN=ops,O=example", "ops"), Operation::kRead,
                            Map("s", "m")));
  EXPECT_FALSE(policy.Allows(Cert("CN=ops,O=evil", "ops"), Operation::kRead,
                             Map("s", "m")));
}

TEST(PolicyTest, SetLevelCheckIgnoresMapGlob) {
  Policy policy =
      MustCreate({{"bpfwarden", "tcp_stats", {"uid:9"}, {Operation::kRead}}});
  EXPECT_TRUE(
      policy.Allows(Unix(9, 9), Operation::kRead, {"bpfwarden", std::nullopt}));
  EXPECT_FALSE(
      policy.Allows(Unix(9, 9), Operation::kRead, {"other", std::nullopt}));
}

TEST(PolicyTest, ForeignAttachmentsNeedAStarRule) {
  Policy narrow =
      MustCreate({{"bpfwarden", "*", {"uid:9"}, {Operation::kRead}}});
  Policy wide = MustCreate({{"*", "*", {"uid:9"}, {Operation::kRead}}});
  Resource foreign{"", std::nullopt};
  EXPECT_FALSE(narrow.Allows(Unix(9, 9), Operation::kRead, foreign));
  EXPECT_TRUE(wide.Allows(Unix(9, 9), Operation::kRead, foreign));
}

TEST(PolicyTest, CheckNamesOperationAndMapOnly) {
  Policy policy =
      MustCreate({{"secret-set-*", "*", {"user:someone"}, {Operation::kRead}}});
  absl::Status s = policy.Check(Unix(1000, 1000), Operation::kWrite,
                                Map("bpfwarden", "tcp_tune"), "Maps.Update");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(s.message(),
            "Maps.Update on map bpfwarden/tcp_tune: permission denied "
            "(write access required)");
  EXPECT_TRUE(policy
                  .Check(Unix(0, 0), Operation::kWrite,
                         Map("bpfwarden", "tcp_tune"), "Maps.Update")
                  .ok());
}

TEST(PolicyTest, BadRulesAreRejectedWithTheirIndexAndField) {
  struct Case {
    Rule rule;
    std::string want;
  } cases[] = {
      {{"", "*", {"uid:1"}, {Operation::kRead}}, "policy rule 1: program_set"},
      {{"*", "", {"uid:1"}, {Operation::kRead}}, "policy rule 1: map"},
      {{"*", "*", {}, {Operation::kRead}}, "policy rule 1: principals"},
      {{"*", "*", {"uid:x"}, {Operation::kRead}}, "uid is not a number"},
      {{"*", "*", {"host:a"}, {Operation::kRead}}, "unknown kind \"host\""},
      {{"*", "*", {"user:"}, {Operation::kRead}}, "want uid:N"},
      {{"*", "*", {"uid:1"}, {}}, "policy rule 1: allow"},
  };
  for (const Case& c : cases) {
    auto policy =
        Policy::Create({{"*", "*", {"uid:1"}, {Operation::kRead}}, c.rule});
    ASSERT_FALSE(policy.ok()) << c.want;
    EXPECT_THAT(policy, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_NE(policy.status().message().find(c.want), std::string::npos)
        << policy.status();
  }
}

TEST(PolicyTest, FromConfig) {
  bpfwarden::v1::Config config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        policy {
          program_set: "bpfwarden"
          map: "tcp_stats"
          principals: "group:monitoring"
          allow: READ
        }
        policy {
          program_set: "bpfwarden"
          map: "tcp_tune"
          principals: "uid:1000"
          allow: [ READ, WRITE ]
        }
      )pb",
      &config));
  auto policy = Policy::FromConfig(config.policy());
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->rule_count(), 2);
  Identity monitor = Unix(2000, 2000, "mon", {"mon", "monitoring"});
  EXPECT_TRUE(
      policy->Allows(monitor, Operation::kRead, Map("bpfwarden", "tcp_stats")));
  EXPECT_FALSE(policy->Allows(monitor, Operation::kWrite,
                              Map("bpfwarden", "tcp_stats")));
  EXPECT_TRUE(policy->Allows(Unix(1000, 1000), Operation::kWrite,
                             Map("bpfwarden", "tcp_tune")));

  bpfwarden::v1::Config bad;
  bad.add_policy()->set_program_set("*");
  bad.mutable_policy(0)->set_map("*");
  bad.mutable_policy(0)->add_principals("uid:1");
  bad.mutable_policy(0)->add_allow(
      bpfwarden::v1::PolicyRule::OPERATION_UNSPECIFIED);
  auto rejected = Policy::FromConfig(bad.policy());
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PolicyTest, ReadHandleIsItsOwnGrantOnMapsOnly) {
  bpfwarden::v1::Config config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        policy {
          program_set: "bpfwarden"
          map: "tcp_*"
          principals: "uid:1000"
          allow: READ_HANDLE
        }
        policy {
          program_set: "bpfwarden"
          map: "tcp_stats"
          principals: "uid:2000"
          allow: READ
        }
      )pb",
      &config));
  auto policy = Policy::FromConfig(config.policy());
  ASSERT_TRUE(policy.ok()) << policy.status();
  const Identity reader = Unix(1000, 1000);
  const Identity other = Unix(2000, 2000);
  const Resource stats = Map("bpfwarden", "tcp_stats");
  EXPECT_TRUE(policy->CheckHandle(reader, stats, "Handles.Open").ok());
  // READ_HANDLE is not READ, and READ is not READ_HANDLE.
  EXPECT_FALSE(policy->Allows(reader, Operation::kRead, stats));
  EXPECT_THAT(policy->CheckHandle(other, stats, "Handles.Open"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(policy->CheckHandle(other, stats, "Handles.Open").message(),
            "Handles.Open on map bpfwarden/tcp_stats: permission denied "
            "(read handle access required)");
  // Never a set as a whole; never another set's map.
  EXPECT_FALSE(policy->Allows(reader, Operation::kReadHandle,
                              Resource{"bpfwarden", std::nullopt}));
  EXPECT_FALSE(
      policy->CheckHandle(reader, Map("other", "tcp_stats"), "H").ok());
  // Root may.
  EXPECT_TRUE(policy->CheckHandle(Unix(0, 0), stats, "H").ok());
}

TEST(PolicyTest, ReadHandleNeverForAMapAWriteOnlyRuleCovers) {
  auto policy = Policy::Create({
      {"bpfwarden", "*", {"uid:1000"}, {Operation::kReadHandle}},
      // Someone else's write-only map: nobody gets a handle of it.
      {"bpfwarden", "tcp_tune_rules", {"uid:3000"}, {Operation::kWrite}},
      // Written and read: handles still allowed.
      {"bpfwarden",
       "tcp_tune_counters",
       {"uid:3000"},
       {Operation::kRead, Operation::kWrite}},
  });
  ASSERT_TRUE(policy.ok()) << policy.status();
  const Identity reader = Unix(1000, 1000);
  absl::Status refused = policy->CheckHandle(
      reader, Map("bpfwarden", "tcp_tune_rules"), "Handles.Open");
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_NE(refused.message().find("policy rule 1 grants WRITE without READ"),
            std::string::npos)
      << refused;
  EXPECT_TRUE(policy
                  ->CheckHandle(reader, Map("bpfwarden", "tcp_tune_counters"),
                                "Handles.Open")
                  .ok());
  // Not even root: the rule is the operator's word on the map.
  EXPECT_FALSE(policy
                   ->CheckHandle(Unix(0, 0), Map("bpfwarden", "tcp_tune_rules"),
                                 "Handles.Open")
                   .ok());

  // One rule granting both, without READ, is refused at load.
  auto bad = Policy::Create(
      {{"*", "*", {"uid:1"}, {Operation::kWrite, Operation::kReadHandle}}});
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_NE(bad.status().message().find(
                "policy rule 0: allow: READ_HANDLE with WRITE but without READ"),
            std::string::npos)
      << bad.status();
  EXPECT_TRUE(Policy::Create({{"*",
                               "*",
                               {"uid:1"},
                               {Operation::kRead, Operation::kWrite,
                                Operation::kReadHandle}}})
                  .ok());
}

}  // namespace
}  // namespace bpfwarden::policy

namespace bpfwarden::policy {
namespace {

TEST(PolicyTest, NonRootAdminNeedsItsLimits) {
  Rule bare{"team-*", "*", {"group:ops"}, {Operation::kAdmin}};
  absl::StatusOr<Policy> refused = Policy::Create({bare});
  EXPECT_THAT(refused.status(),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                "ADMIN for a non-root principal needs"));
  // Root alone needs none.
  EXPECT_TRUE(
      Policy::Create({{"*", "*", {"uid:0", "user:root"}, {Operation::kAdmin}}})
          .ok());
  Rule limited = bare;
  limited.limits = {{"sock_ops"}, {"sock_ops"}, "/team"};
  EXPECT_TRUE(Policy::Create({limited}).ok());
  Rule bad_type = limited;
  bad_type.limits.program_types = {"socket_filterx"};
  EXPECT_THAT(
      Policy::Create({bad_type}).status(),
      testing::StatusIs(absl::StatusCode::kInvalidArgument, "program_types"));
  Rule bad_attach = limited;
  bad_attach.limits.attach_types = {"xdp"};
  EXPECT_THAT(
      Policy::Create({bad_attach}).status(),
      testing::StatusIs(absl::StatusCode::kInvalidArgument, "attach_types"));
}

TEST(PolicyTest, AdminLimitsFor) {
  Rule limited{"team-*", "*", {"uid:5"}, {Operation::kAdmin}};
  limited.limits = {{"sock_ops"}, {"sock_ops"}, "/team"};
  Policy policy = *Policy::Create({limited});
  Identity five;
  five.kind = Identity::Kind::kUnix;
  five.uid = 5;
  auto limits = policy.AdminLimitsFor(five, "team-a");
  ASSERT_TRUE(limits.has_value());
  ASSERT_EQ(limits->size(), 1u);
  EXPECT_EQ((*limits)[0].cgroup_subtree, "/team");
  EXPECT_TRUE(policy.AdminLimitsFor(five, "other")->empty());
  Identity root;
  root.kind = Identity::Kind::kUnix;
  root.uid = 0;
  EXPECT_FALSE(policy.AdminLimitsFor(root, "team-a").has_value());
}

TEST(PolicyTest, AdminQuotasComeFromTheRule) {
  bpfwarden::v1::Config config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        policy {
          program_set: "team-*"
          map: "*"
          principals: "uid:5"
          allow: ADMIN
          program_types: "sock_ops"
          attach_types: "cgroup_sock_ops"
          cgroup_subtree: "/team"
          max_sets: 2
          max_maps: 3
          max_map_bytes: 4096
          max_saved_objects: 5
        }
      )pb",
      &config));
  auto policy = Policy::FromConfig(config.policy());
  ASSERT_TRUE(policy.ok()) << policy.status();
  Identity five;
  five.kind = Identity::Kind::kUnix;
  five.uid = 5;
  auto limits = policy->AdminLimitsFor(five, "team-a");
  ASSERT_TRUE(limits.has_value());
  ASSERT_EQ(limits->size(), 1u);
  EXPECT_EQ((*limits)[0].max_sets, 2u);
  EXPECT_EQ((*limits)[0].max_maps, 3u);
  EXPECT_EQ((*limits)[0].max_map_bytes, 4096u);
  EXPECT_EQ((*limits)[0].max_saved_objects, 5u);
}

}  // namespace
}  // namespace bpfwarden::policy
