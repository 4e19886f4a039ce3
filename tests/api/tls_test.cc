// The optional TCP listener: mutual TLS, the client certificate as
// identity. Certificates are made at test time with openssl(1).
#include <cstdlib>
#include <regex>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/api/api_fixture.h"
#include "tests/testing/files.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden::testing {
namespace {

// A CA, a server certificate for "bpfwardend.test", and a client
// certificate CN=<client_cn> with a URI SAN, under `dir`/<prefix>-*.pem.
void MakeCertificates(const std::string& dir, const std::string& prefix,
                      const std::string& client_cn) {
  std::string p = dir + "/" + prefix;
  std::string script = absl::StrCat(
      "set -e; cd ", dir, "; exec >", p, "-openssl.log 2>&1; ",
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=", prefix,
      "-ca -keyout ", p, "-ca.key -out ", p, "-ca.pem; ",
      "openssl req -newkey rsa:2048 -nodes -subj /CN=bpfwardend.test -keyout ",
      p, "-server.key -out ", p, "-server.csr; ",
      "printf 'subjectAltName=DNS:bpfwardend.test\\n' > ", p, "-server.ext; ",
      "openssl x509 -req -in ", p, "-server.csr -CA ", p, "-ca.pem -CAkey ", p,
      "-ca.key -CAcreateserial -days 1 -extfile ", p, "-server.ext -out ", p,
      "-server.pem; ",
      "openssl req -newkey rsa:2048 -nodes -subj /O=bpfwarden-test/CN=",
      client_cn, " -keyout ", p, "-client.key -out ", p, "-client.csr; ",
      "printf 'subjectAltName=URI:spiffe://bpfwarden.test/", client_cn,
      "\\n' > ", p, "-client.ext; ", "openssl x509 -req -in ", p,
      "-client.csr -CA ", p, "-ca.pem -CAkey ", p,
      "-ca.key -CAcreateserial -days 1 -extfile ", p, "-client.ext -out ", p,
      "-client.pem");
  ASSERT_EQ(std::system(script.c_str()), 0) << ReadFile(p + "-openssl.log");
}

class TlsTest : public ApiFixture {
 protected:
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& ca,
                                            const std::string& client) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadFile(dir() + "/" + ca + "-ca.pem");
    if (!client.empty()) {
      ssl.pem_private_key = ReadFile(dir() + "/" + client + "-client.key");
      ssl.pem_cert_chain = ReadFile(dir() + "/" + client + "-client.pem");
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("bpfwardend.test");
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port_),
                                     grpc::SslCredentials(ssl), args);
  }
  std::string dir() const { return certs_dir_; }
  std::string certs_dir_;
  int port_ = 0;
};

TEST_F(TlsTest, ClientCertificateIsTheIdentity) {
  BPFWARDEN_REQUIRE_KERNEL();
  // Certificates: a good CA with its server and client, and an evil CA whose
  // client claims the same CN.
  auto certs = ScopedTempDir::Create("api-tls-certs");
  ASSERT_TRUE(certs.ok()) << certs.status();
  MakeCertificates(certs->path(), "good", "robot");
  MakeCertificates(certs->path(), "evil", "robot");
  const std::string c = certs->path();
  certs_dir_ = c;
  // Readers get the CN; the SAN may also write the rules.
  const std::string policy = R"pb(
    policy {
      program_set: "bpfwarden"
      map: "tcp_tune_*"
      principals: "cert:CN=robot"
      allow: READ
    }
    policy {
      program_set: "bpfwarden"
      map: "tcp_tune_rules"
      principals: "cert:spiffe://bpfwarden.test/robot"
      allow: WRITE
    }
  )pb";
  extra_flags_ = {"--api_tls_address=127.0.0.1:0",
                  "--api_tls_cert=" + c + "/good-server.pem",
                  "--api_tls_key=" + c + "/good-server.key",
                  "--api_tls_client_ca=" + c + "/good-ca.pem"};
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-tls", policy));
  std::smatch m;
  std::string log = daemon_->Log();
  ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(\(port (\d+)\))")))
      << log;
  port_ = std::stoi(m[1]);
  auto good = TlsChannel("good", "good");
  v1::StatusResponse status;
  grpc::Status s = v1::Daemon::NewStub(good)->Status(
      Ctx().get(), v1::StatusRequest(), &status);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(status.caller().find("cert:"), std::string::npos);
  EXPECT_NE(status.caller().find("CN=robot"), std::string::npos)
      << status.caller();

  auto maps = v1::Maps::NewStub(good);
  ASSERT_TRUE(Update("tcp_tune_counters", R"({"rule_id":3})", "{}").ok());
  v1::LookupRequest get;
  get.mutable_map()->set_program_set(kSet);
  get.mutable_map()->set_map("tcp_tune_counters");
  get.mutable_key()->set_json(R"({"rule_id":3})");
  v1::LookupResponse got;
  s = maps->Lookup(Ctx().get(), get, &got);
  EXPECT_TRUE(s.ok()) << s.error_message();

  v1::UpdateRequest up;
  up.mutable_map()->set_program_set(kSet);
  up.mutable_map()->set_map("tcp_tune_counters");
  up.set_zero_fill(true);
  up.add_entries()->mutable_key()->set_json(R"({"rule_id":3})");
  up.mutable_entries(0)->mutable_value()->set_json(R"({"matched":1})");
  v1::UpdateResponse updated;
  EXPECT_THAT(maps->Update(Ctx().get(), up, &updated),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  up.mutable_map()->set_map("tcp_tune_rules");
  up.mutable_entries(0)->mutable_key()->set_json(
      R"({"prefixlen":104,"addr":"10.0.0.0"})");
  up.mutable_entries(0)->mutable_value()->set_json(R"({"rule_id":3})");
  s = maps->Update(Ctx().get(), up, &updated);
  EXPECT_TRUE(s.ok()) << s.error_message();

  // A certificate from another CA, even with the same CN, or none at all,
  // gets no connection.
  for (const std::string& client : {std::string("evil"), std::string()}) {
    auto channel =
        client.empty() ? TlsChannel("good", "") : TlsChannel("good", client);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    s = v1::Daemon::NewStub(channel)->Status(&ctx, v1::StatusRequest(),
                                             &status);
    EXPECT_THAT(s, StatusIs(grpc::StatusCode::UNAVAILABLE))
        << "client " << client << ": " << s.error_message();
  }
  // The audit names the certificate.
  EXPECT_NE(daemon_->Log().find(R"(who="cert:)"), std::string::npos);
}

}  // namespace
}  // namespace bpfwarden::testing
