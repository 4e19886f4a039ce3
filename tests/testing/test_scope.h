// The pin directory and cgroup of one kernel test, and the residue check at
// its end.
#ifndef BPFWARDEN_TESTS_TESTING_TEST_SCOPE_H_
#define BPFWARDEN_TESTS_TESTING_TEST_SCOPE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"

namespace bpfwarden::testing {

// The running test's name, usable in paths: "Suite.Name/Param" becomes
// "Suite-Name-Param".
std::string CurrentTestTag();

// Every program attached directly to `cgroup`, any cgroup attach type, as
// "type:id:name" strings (empty when nothing is attached).
std::vector<std::string> AttachedAnyType(const std::string& cgroup);

class TestScope {
 public:
  // A pin directory and a child cgroup, both named after `tag`.
  static absl::StatusOr<TestScope> Create(const std::string& tag);

  const ScopedPinDir& pins() const { return *pins_; }
  const ScopedCgroup& cgroup() const { return *cgroup_; }

  // Removes both and returns the residue: programs still attached to the
  // cgroup before its removal, and the paths that still exist after.
  std::vector<std::string> Finish();

 private:
  TestScope(ScopedPinDir pins, ScopedCgroup cgroup);
  std::optional<ScopedPinDir> pins_;
  std::optional<ScopedCgroup> cgroup_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_TEST_SCOPE_H_
