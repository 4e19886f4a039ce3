// Fixture of the API tests: a daemon with its own pin root, cgroup, work
// directory and socket, and stubs for every service.
#ifndef BPFWARDEN_TESTS_API_API_FIXTURE_H_
#define BPFWARDEN_TESTS_API_API_FIXTURE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "bpfwarden/v1/api.grpc.pb.h"
#include "tests/api/api_daemon.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"
#include "tests/testing/scoped_temp_dir.h"

namespace bpfwarden::testing {

// The builtin set under the name "bpfwarden", and `policy` (text of
// PolicyRule fields, e.g. policy { ... }) appended.
std::string ConfigWithPolicy(const std::string& policy);

class ApiFixture : public ::testing::Test {
 protected:
  // Checks the kernel, creates the pin dir, cgroup and work dir, and starts
  // the daemon with ConfigWithPolicy(policy).
  void StartDaemon(const std::string& tag, const std::string& policy = "");
  // The same with the whole configuration text given.
  void StartDaemonWithConfig(const std::string& tag, const std::string& config);
  // Stops the daemon (expecting a clean exit) and checks that nothing is
  // left attached to the test cgroup.
  void TearDown() override;

  grpc::Status Update(const std::string& map, const std::string& key,
                      const std::string& value, v1::UpdateFlag flag = v1::ANY,
                      bool zero_fill = true);
  // The value as JSON.
  grpc::Status Lookup(const std::string& map, const std::string& key,
                      std::string* value);
  grpc::Status Delete(const std::string& map, const std::string& key);
  // Every key of tcp_tune_counters, each {"matched":1}: a dump of one
  // entry a page (about 150 KiB) is then larger than a connection's 64 KiB
  // window.
  grpc::Status FillCounters();
  // Attaches `program` of `set` to the test's cgroup.
  grpc::Status Attach(const std::string& set, const std::string& program,
                      v1::AttachResponse* attached);
  // grpc::ClientContext with a 20 s deadline.
  static std::unique_ptr<grpc::ClientContext> Ctx();

  std::optional<ScopedPinDir> pins_;
  std::optional<ScopedCgroup> cgroup_;
  std::optional<ScopedTempDir> work_;
  std::unique_ptr<ApiDaemon> daemon_;
  std::unique_ptr<v1::Programs::Stub> programs_;
  std::unique_ptr<v1::Attachments::Stub> attachments_;
  std::unique_ptr<v1::Maps::Stub> maps_;
  std::unique_ptr<v1::Daemon::Stub> status_;
  // Passed to the daemon by StartDaemon.
  std::vector<std::string> extra_flags_;
};

// Every message of a server stream, then its final status.
template <typename Message>
struct StreamResult {
  std::vector<Message> messages;
  grpc::Status status;
};

template <typename Message>
StreamResult<Message> ReadStream(grpc::ClientReaderInterface<Message>& reader) {
  StreamResult<Message> out;
  Message message;
  while (reader.Read(&message)) out.messages.push_back(message);
  out.status = reader.Finish();
  return out;
}

// Daemon.Status's kernel features by name.
std::map<std::string, v1::KernelFeature> KernelFeaturesOf(
    const v1::StatusResponse& status);

// The set every test loads.
inline constexpr char kSet[] = "bpfwarden";

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_API_API_FIXTURE_H_
