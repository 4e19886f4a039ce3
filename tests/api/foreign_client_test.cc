// A foreign client: Debian's python3-grpcio, run by /usr/bin/python3 (the
// system interpreter, whatever python3 comes first on PATH), with stubs
// generated from proto/ at test time, against a daemon started here.
#include "tests/api/api_fixture.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/run_as.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {
namespace {

class ForeignClientTest : public ApiFixture {};

TEST_F(ForeignClientTest, PythonGrpcioReadsAndWritesTypedEntries) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("api-python"));
  std::string out_dir = work_->path() + "/stubs";
  ASSERT_EQ(mkdir(out_dir.c_str(), 0755), 0);
  // The import root of bpfwarden/v1/api.proto and config.proto.
  std::string proto_root = Runfile("proto");
  auto result = RunAs(
      {0, 0, {0}}, {"/usr/bin/python3", Runfile("tests/api/foreign_client.py"),
                    daemon_->socket_path(), proto_root, out_dir});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->out << result->err;
}

}  // namespace
}  // namespace bpfwarden::testing
