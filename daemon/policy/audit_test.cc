#include "daemon/policy/audit.h"

#include "gtest/gtest.h"

namespace bpfwarden::policy {
namespace {

TEST(AuditTest, WriteRecordNamesWhoWhatMapAndKey) {
  Identity who;
  who.kind = Identity::Kind::kUnix;
  who.uid = 65534;
  who.gid = 65534;
  who.pid = 42;
  who.user = "nobody";
  Resource what{"bpfwarden", "tcp_tune"};
  std::string line = FormatAudit(
      {&who, "Maps.Update", &what, R"({"cgroup_id":5})", absl::OkStatus()});
  EXPECT_EQ(line,
            R"(who="uid:65534(nobody) gid:65534 pid:42" method=Maps.Update )"
            R"(map="bpfwarden/tcp_tune" keys="{\"cgroup_id\":5}" result=OK)");
}

TEST(AuditTest, DenialCarriesTheError) {
  Identity who;
  who.kind = Identity::Kind::kCertificate;
  who.cert_subject = "CN=x";
  Resource what{"set", std::nullopt};
  std::string line = FormatAudit(
      {&who, "Programs.Unload", &what, "", absl::PermissionDeniedError("no")});
  EXPECT_EQ(line, R"(who="cert:CN=x" method=Programs.Unload program_set="set" )"
                  R"(result=PERMISSION_DENIED error="no")");
}

TEST(AuditTest, ClientTextCannotBreakTheLine) {
  Identity who;
  Resource what{"s", "m"};
  std::string line = FormatAudit(
      {&who, "Maps.Delete", &what, "a\"\n2026 AUDIT forged", absl::OkStatus()});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find(R"(keys="a\"\n2026 AUDIT forged")"), std::string::npos);
}

TEST(AuditTest, LongKeysAreCut) {
  Identity who;
  Resource what{"s", "m"};
  std::string line = FormatAudit(
      {&who, "Maps.Delete", &what, std::string(5000, 'k'), absl::OkStatus()});
  EXPECT_LT(line.size(), 1200u);
  EXPECT_NE(line.find("\"... result=OK"), std::string::npos);
}

TEST(AuditTest, Hex) {
  EXPECT_EQ(HexForAudit(std::string("\x01\xff", 2)), "01ff");
  EXPECT_EQ(HexForAudit("abcdef", 2), "6162...");
}

}  // namespace
}  // namespace bpfwarden::policy
