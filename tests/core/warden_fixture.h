// An in-process Warden on a real kernel for one test: its own pin root (in
// the test's pin directory), state directory and cgroup, shut down and
// checked for residue at the end.
#ifndef BPFWARDEN_TESTS_CORE_WARDEN_FIXTURE_H_
#define BPFWARDEN_TESTS_CORE_WARDEN_FIXTURE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/warden.h"
#include "gtest/gtest.h"
#include "bpfwarden/v1/config.pb.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {

// The builtin object as set `name`.
v1::ProgramSet BuiltinSet(const std::string& name);
// Set `name` from test objects (runfile paths).
v1::ProgramSet SetOfObjects(const std::string& name,
                            const std::vector<std::string>& runfiles);
v1::Attachment AttachmentSpec(const std::string& set,
                              const std::string& program,
                              const std::string& cgroup);

class WardenFixture : public ::testing::Test {
 protected:
  // libbpf's messages into the daemon's log and its errors, as main() does.
  static void SetUpTestSuite();
  // Checks the kernel, makes the scope and creates the Warden.
  void SetUp() override;
  // Shuts the Warden down (expecting no error) and expects no residue.
  void TearDown() override;

  const ScopedCgroup& cgroup() const { return scope_->cgroup(); }
  const ScopedPinDir& pins() const { return scope_->pins(); }
  const WardenOptions& options() const { return options_; }
  // The pin directory of set `set` under the Warden's pin root.
  std::string SetDir(const std::string& set) const;

  std::unique_ptr<Warden> warden_;
  // What warden_ was created with; a test may change it to create another.
  WardenOptions options_;

 private:
  std::optional<TestScope> scope_;
  std::optional<ScopedTempDir> state_dir_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_CORE_WARDEN_FIXTURE_H_
